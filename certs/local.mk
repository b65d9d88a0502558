# certs: (filled in by its owner)
