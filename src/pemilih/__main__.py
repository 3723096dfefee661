from pemilih.cli import main

raise SystemExit(main())
