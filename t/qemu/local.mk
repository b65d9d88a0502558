# t/qemu/: the Linux kernel's GRE and XFRM as a reference peer, under qemu.
# t/qemu/vm boots Debian's kernel with a small cached initramfs and runs a
# guest script (see HACKING.md); the tests skip, with the reason, when qemu
# or the kernel is not installed or when not root.
QEMU_TESTS = \
	t/qemu/ike.sh \
	t/qemu/interop.sh \
	t/qemu/kernel.sh

TESTS += $(QEMU_TESTS)
dist_check_SCRIPTS += $(QEMU_TESTS)
dist_noinst_SCRIPTS += t/qemu/vm
dist_noinst_DATA += t/qemu/guest.sh t/qemu/host.sh t/qemu/ike-guest.sh t/qemu/interop-guest.sh \
	t/qemu/kernel-guest.sh

# udpencap: the UDP 4500 socket the guest kernel needs for ESP in UDP.
check_PROGRAMS += t/qemu/udpencap
t_qemu_udpencap_SOURCES = t/qemu/udpencap.c

# the initramfs cache (t/qemu/vm -c)
clean-local: clean-qemu-cache
clean-qemu-cache:
	-rm -rf t/qemu/cache
.PHONY: clean-qemu-cache
