"""Validates and loads the curated, sourced seed data (and synthetic data for scale) into Neo4j."""
