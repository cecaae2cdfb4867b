"""Sync between replicas: version vectors, batches, bundles, HTTP, device keys."""
