"""Device imports: Google Admin ChromeOS device lists, Snipe-IT asset exports and any other
CSV file whose columns are matched to Homeroom's fields, as formats of core's one import
lifecycle (`formats`, registered in devices/registrations.py).

Each import reads its CSV file whole (`source`, typed values in `values`), converts every row
into an `Incoming` device (`google`, `snipeit`, `generic`: their columns are there), checks the
rows against each other and against what Homeroom holds while working out the change of every
device (`plan`, which states the rules), and only when nothing is wrong writes the plan in the
same transaction with multi-row statements (`apply`, `bulk`). `run` ties the steps together,
for the formats and for `homeroom import google-devices|snipeit-assets|devices-csv FILE`
(devices/cli.py). `sniff` takes a first look at a file before it is recorded; `services`,
`views` and `forms` keep the saved mappings of org units, locations and categories."""
