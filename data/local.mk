demodir = $(pkgdatadir)/demo
dist_demo_DATA = \
	data/demo/pve1.xml \
	data/demo/pve2.xml \
	data/demo/pve3.xml
themesdir = $(pkgdatadir)/themes
dist_themes_DATA = \
	themes/default.theme \
	themes/light.theme \
	themes/proxmox.theme \
	themes/high-contrast.theme \
	themes/solarized.theme \
	themes/mono.theme
