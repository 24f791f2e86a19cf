#!/usr/bin/env python3
"""Writes a libvirt test-driver <node> file with N guests, R of them running.

  gen-fixture.py N R OUT.xml

Guests carry tve metadata (IDs from 100), one disk and one NIC each; every
fifth guest is a container. Used by the benchmarks and by scale tests."""
import sys

def main():
    n, running, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    parts = ["<node>",
             "  <cpu><mhz>2400</mhz><model>x86_64</model><nodes>1</nodes>"
             "<sockets>2</sockets><cores>8</cores><threads>2</threads></cpu>",
             "  <memory>268435456</memory>"]
    for i in range(n):
        vmid = 100 + i
        ct = i % 5 == 4
        state = 1 if i < running else 5
        name = ("ct" if ct else "vm") + "%04d" % i
        parts.append(f"""  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>{name}</name>
    <uuid>{0x10000000 + i:08x}-0000-4000-8000-{i:012x}</uuid>
    <metadata><tve:guest xmlns:tve="urn:tve:guest:1"><vmid>{vmid}</vmid>{'<type>ct</type>' if ct else ''}</tve:guest></metadata>
    <memory unit='MiB'>{512 if ct else 2048}</memory>
    <vcpu>{1 if ct else 2}</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
    <devices>
      <disk type='file' device='disk'><source file='/var/lib/tve-bench/{name}.qcow2'/><target dev='vda' bus='virtio'/></disk>
      <interface type='network'><mac address='52:54:00:{(i >> 16) & 255:02x}:{(i >> 8) & 255:02x}:{i & 255:02x}'/><source network='default'/><model type='virtio'/></interface>
    </devices>
    <test:runstate>{state}</test:runstate>
  </domain>""")
    parts.append("""  <network><name>default</name><bridge name='virbr0'/><forward mode='nat'/>
    <ip address='192.168.122.1' netmask='255.255.255.0'/></network>
  <pool type='dir'><name>local</name><target><path>/var/lib/tve-bench</path></target></pool>
</node>""")
    with open(out, "w") as f:
        f.write("\n".join(parts) + "\n")

if __name__ == "__main__":
    main()
