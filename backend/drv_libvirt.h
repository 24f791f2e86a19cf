#ifndef TVE_DRV_LIBVIRT_H
#define TVE_DRV_LIBVIRT_H
#endif
