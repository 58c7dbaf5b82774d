from bistandsregler.cli.main import main

raise SystemExit(main())
