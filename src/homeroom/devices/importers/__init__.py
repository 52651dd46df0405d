"""Device imports: Google Admin ChromeOS device lists and Snipe-IT asset exports.

Each import reads its CSV file whole (`source`, typed values in `values`), converts every row
into an `Incoming` device (`google`, `snipeit`: their column tables are there), checks the rows
against each other and against what Homeroom holds while working out the change of every
device (`plan`, which states the rules), and only when nothing is wrong writes the plan in the
same transaction with multi-row statements (`apply`, `bulk`). `run` ties the steps together
for `homeroom import google-devices|snipeit-assets FILE` (devices/cli.py)."""
