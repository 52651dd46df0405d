"""Device imports: Google Admin ChromeOS device lists, Snipe-IT asset exports and any other
CSV file whose columns are matched to Homeroom's fields.

Each import reads its CSV file whole (`source`, typed values in `values`), converts every row
into an `Incoming` device (`google`, `snipeit`, `generic`: their columns are there), checks the
rows against each other and against what Homeroom holds while working out the change of every
device (`plan`, which states the rules), and only when nothing is wrong writes the plan in the
same transaction with multi-row statements (`apply`, `bulk`). `run` ties the steps together
for `homeroom import google-devices|snipeit-assets|devices-csv FILE` (devices/cli.py).

From the browser and the API, `upload` takes a first look at a file, `services` records it as
a `DeviceImport` and moves it along its lifecycle, `tasks` check and apply it in the
background, and `views` and `forms` are the pages."""
