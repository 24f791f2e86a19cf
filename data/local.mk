demodir = $(pkgdatadir)/demo
dist_demo_DATA = \
	data/demo/pve1.xml \
	data/demo/pve2.xml \
	data/demo/pve3.xml
