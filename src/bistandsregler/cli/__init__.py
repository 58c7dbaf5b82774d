"""The command line face: ``bistandsregler`` and its commands. A face calls the stages; no stage imports it."""
