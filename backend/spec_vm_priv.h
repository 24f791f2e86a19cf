/* spec_vm_priv.h - what spec_vm.c, spec_vm_check.c and spec_vm_xml.c share:
 * where the CD/DVD drives go, the CPU model family, lookups. */
#ifndef TVE_SPEC_VM_PRIV_H
#define TVE_SPEC_VM_PRIV_H

#include "spec.h"

/* A CD/DVD drive the spec implies: the install media (ISO or host drive)
 * at index 2 and the VirtIO drivers ISO at index 0, on IDE as Proxmox
 * does, or on SATA for q35, which has no IDE. */
struct spec_vm_cd {
	enum tve_bus bus;
	int index;
	bool install;		/* the install media (else the drivers ISO) */
	const char *volid;	/* "pool/volume", or NULL for a host drive */
	const char *drive;	/* "/dev/sr0" for a host drive */
};
#define SPEC_VM_CD_INSTALL_INDEX 2
#define SPEC_VM_CD_VIRTIO_INDEX 0

/* Fills cd[0..1]; returns how many drives there are (0-2). */
size_t spec_vm_cds(const struct tve_vm_spec *s, struct spec_vm_cd cd[2]);
/* A machine type without IDE (q35 and its versions). */
bool spec_vm_is_q35(const char *machine);
/* The domain's name: the spec's, or "vmID" when it has none. */
char *spec_vm_domain_name(const struct tve_vm_spec *s);
/* Splits "pool/volume": the pool's length and the volume, or NULL when
 * volid is not of that form. */
const char *spec_vm_volid_split(const char *volid, size_t *pool_len);
/* The pool named by the first len bytes of name on snapshot n, or NULL. */
const struct tve_pool *spec_vm_find_pool(const struct tve_snapshot *n, const char *name, size_t len);
/* CPU models tve knows by itself (Proxmox's x86-64-v2-AES..., kvm64,
 * qemu64): the QEMU base model and the NULL-terminated features it adds,
 * or NULL for other names. */
const char *const *spec_vm_cpu_family(const char *type, const char **base);
/* iothread makes sense for disk d under controller type h. */
bool spec_vm_iothread_ok(enum tve_bus bus, enum tve_scsihw h);
/* Proxmox's property name of a SCSI controller ("virtio-scsi-single"). */
const char *spec_vm_scsihw_name(enum tve_scsihw h);
/* Tags joined by ';' whatever separated them ("a, b c" -> "a;b;c"). */
char *spec_vm_tags_joined(const char *tags);
/* A MAC with ':' and in one case ("52:54:00:ab:cd:ef"); out has 18 bytes. */
void spec_vm_mac_norm(const char *mac, bool upper, char out[18]);
/* "32 GiB", "41.5 GiB": a byte count without trailing zeros. */
const char *spec_vm_fmt_size(char *buf, size_t len, unsigned long long bytes);

#endif
