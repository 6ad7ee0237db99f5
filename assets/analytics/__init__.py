"""Daily analytics: SQL models (dbt_like_models/), platform metrics ingestion, GX checks.

Plain modules (no Dagster): models (load and check the SQL models), runner (write a
model's partition window), metrics and ingest (export files into content_analytics),
expectations (great-expectations over a DataFrame), reports. The Dagster layer:
partitions, checks, definitions.
"""
