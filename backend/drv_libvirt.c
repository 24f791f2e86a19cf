/* drv_libvirt.c: being written */
