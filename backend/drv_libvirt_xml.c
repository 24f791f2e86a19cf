/* drv_libvirt_xml.c: being written */
