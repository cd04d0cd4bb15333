from etl.plan_cli import main  # etl.cli plus the inspection plan (issue 17)

main()
