# t/qemu: (filled in by its owner)
