"""Stage 6, columnar: checking over Arrow record batches, for engines that hand data over in
columns (Spark's ``mapInArrow``, Dask, Parquet files). The per-record ``Checker`` is the
reference: a batch's findings are exactly the ones it gives, record by record.

Builds on ``input`` (reading a row into a decision) and ``checking``.
"""
