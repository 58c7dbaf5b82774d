"""The HTTP service (``bistandsregler serve``): a FastAPI app under uvicorn that checks decisions
for case systems, with a receipt of what was applied, and reloads guidelines without downtime."""
