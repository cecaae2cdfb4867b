"""Ops, the hybrid logical clock, hash chains and signatures."""
