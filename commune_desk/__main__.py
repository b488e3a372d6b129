from commune_desk.cli import main

raise SystemExit(main())
