"""The vendors' assessment platforms as published, each figure with where it comes from. A
figure not yet entered is left empty with a note saying where to take it from; the test
coordinator completes and updates them on the platform's page. The migration seeds them, and
the demo again where the database was emptied since (the browser tests empty it)."""

TO_ENTER = "Not entered yet: take it from the vendor's system requirements for the school year."

PLATFORMS = [
    {
        "name": "Pearson TestNav",
        "kind": "testnav",
        "school_year": "2026-27",
        "chromeos_min": 146,
        "chromeos_runs_from": 116,
        "chromeos_lts": "144",
        "must_be_managed": True,
        "kiosk_app_id": "mdmkkicfmmkgmpkmkdikhlbggogpicma",
        "cache_name": "ProctorCache",
        "cache_port": 4480,
        "sources": {
            "chromeos_min": "Pearson, TestNav system requirements 2026-27: ChromeOS on the "
            "stable channel newer than 145.",
            "chromeos_runs_from": "Pearson, TestNav system requirements 2026-27: below 116 "
            "the TestNav app does not run.",
            "chromeos_lts": "Pearson, TestNav system requirements 2026-27: the LTS release "
            "144 is accepted.",
            "must_be_managed": "Pearson, Set Up TestNav on ChromeOS: only managed "
            "Chromebooks are supported for secure testing.",
            "kiosk_app_id": "Pearson, Set Up TestNav on ChromeOS: TestNav is added as a "
            "kiosk app in the Google Admin console.",
            "cache_name": "Pearson, proctor caching checklist: ProctorCache holds test "
            "content on the school's network.",
            "cache_port": "Pearson, configure TestNav for proctor caching: the default port "
            "is 4480.",
            "ipados_min": TO_ENTER,
            "windows_min": TO_ENTER,
            "macos_min": TO_ENTER,
        },
    },
    {
        "name": "DRC INSIGHT",
        "kind": "drc_insight",
        "school_year": "2026-27",
        "must_be_managed": True,
        "cache_name": "Central Office Services (COS)",
        "sources": {
            "cache_name": "DRC INSIGHT: Central Office Services host test content on the "
            "school's network; Chromebooks register to a COS configuration by org unit.",
            "chromeos_min": TO_ENTER,
            "ipados_min": TO_ENTER,
            "windows_min": TO_ENTER,
            "macos_min": TO_ENTER,
            "kiosk_app_id": TO_ENTER,
        },
    },
    {
        "name": "NWEA MAP Growth",
        "kind": "nwea_map",
        "school_year": "2023-24",
        "chromeos_min": 106,
        "windows_min": "10",
        "macos_min": "11",
        "must_be_managed": True,
        "sources": {
            "chromeos_min": "NWEA, System and Bandwidth Requirements, 7 Feb 2024: ChromeOS "
            "106 minimum with the NWEA Secure Testing App.",
            "windows_min": "NWEA, System and Bandwidth Requirements, 7 Feb 2024: Windows 10.",
            "macos_min": "NWEA, System and Bandwidth Requirements, 7 Feb 2024: macOS 11 minimum.",
            "must_be_managed": "NWEA: secure testing through the NWEA Secure Testing App "
            "on managed devices.",
            "ipados_min": TO_ENTER,
        },
        "notes": "Figures from NWEA's 2024 publication: update them to the school year "
        "of the next window.",
    },
    {
        "name": "Cambium Secure Browser",
        "kind": "cambium",
        "school_year": "2026-27",
        "must_be_managed": True,
        "sources": {
            "chromeos_min": TO_ENTER,
            "ipados_min": TO_ENTER,
            "windows_min": TO_ENTER,
            "macos_min": TO_ENTER,
            "kiosk_app_id": TO_ENTER,
        },
    },
]


def seed_platforms(model) -> None:
    """Add the platforms `model` (AssessmentPlatform, or the migration's historical one)
    does not have yet, by name."""
    for values in PLATFORMS:
        if not model.objects.filter(name=values["name"]).exists():
            model.objects.create(**values)
