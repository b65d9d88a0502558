# routeserver: (filled in by its owner)
