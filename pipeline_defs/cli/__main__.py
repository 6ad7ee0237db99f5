from pipeline_defs.cli import app

app(prog_name="socialpipe")
