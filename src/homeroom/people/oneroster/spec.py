"""What the OneRoster 1.1 and 1.2 CSV bindings say about the files Homeroom reads.

Columns are (name, required) in the binding's order; "delta" marks a column required only in
delta files. Homeroom reads the rostering files; gradebook and resource files are skipped.
"""

from dataclasses import dataclass

DELTA = "delta"
V11 = "1.1"
V12 = "1.2"

COMMON = [("sourcedId", True), ("status", DELTA), ("dateLastModified", DELTA)]

COLUMNS = {
    V11: {
        "orgs": [
            *COMMON,
            ("name", True),
            ("type", True),
            ("identifier", False),
            ("parentSourcedId", False),
        ],
        "academicSessions": [
            *COMMON,
            ("title", True),
            ("type", True),
            ("startDate", True),
            ("endDate", True),
            ("parentSourcedId", False),
            ("schoolYear", True),
        ],
        "courses": [
            *COMMON,
            ("schoolYearSourcedId", False),
            ("title", True),
            ("courseCode", False),
            ("grades", False),
            ("orgSourcedId", True),
            ("subjects", False),
            ("subjectCodes", False),
        ],
        "classes": [
            *COMMON,
            ("title", True),
            ("grades", False),
            ("courseSourcedId", True),
            ("classCode", False),
            ("classType", True),
            ("location", False),
            ("schoolSourcedId", True),
            ("termSourcedIds", True),
            ("subjects", False),
            ("subjectCodes", False),
            ("periods", False),
        ],
        "users": [
            *COMMON,
            ("enabledUser", True),
            ("orgSourcedIds", True),
            ("role", True),
            ("username", True),
            ("userIds", False),
            ("givenName", True),
            ("familyName", True),
            ("middleName", False),
            ("identifier", False),
            ("email", False),
            ("sms", False),
            ("phone", False),
            ("agentSourcedIds", False),
            ("grades", False),
            ("password", False),
        ],
        "enrollments": [
            *COMMON,
            ("classSourcedId", True),
            ("schoolSourcedId", True),
            ("userSourcedId", True),
            ("role", True),
            ("primary", False),
            ("beginDate", False),
            ("endDate", False),
        ],
    },
}
COLUMNS[V12] = {
    **COLUMNS[V11],
    "users": [
        *COMMON,
        ("enabledUser", True),
        ("username", True),
        ("userIds", False),
        ("givenName", True),
        ("familyName", True),
        ("middleName", False),
        ("identifier", False),
        ("email", False),
        ("sms", False),
        ("phone", False),
        ("agentSourcedIds", False),
        ("grades", False),
        ("password", False),
        ("userMasterIdentifier", False),
        ("preferredGivenName", False),
        ("preferredMiddleName", False),
        ("preferredFamilyName", False),
        ("primaryOrgSourcedId", False),
        ("pronouns", False),
    ],
    "roles": [
        *COMMON,
        ("userSourcedId", True),
        ("roleType", True),
        ("role", True),
        ("beginDate", False),
        ("endDate", False),
        ("orgSourcedId", True),
        ("userProfileSourcedId", False),
    ],
    "userProfiles": [
        *COMMON,
        ("userSourcedId", True),
        ("profileType", True),
        ("vendorId", True),
        ("applicationId", False),
        ("description", False),
        ("credentialType", True),
        ("username", True),
        ("password", False),
    ],
}

# Files of the bindings that Homeroom does not read (gradebook, resources, demographics:
# Homeroom keeps no demographic data about students).
SKIPPED_FILES = {
    "categories",
    "classResources",
    "courseResources",
    "demographics",
    "lineItems",
    "lineItemLearningObjectiveIds",
    "lineItemScoreScales",
    "resources",
    "results",
    "resultLearningObjectiveIds",
    "resultScoreScales",
    "scoreScales",
    "userResources",
}

# The order files are applied in: each refers only to files before it.
APPLY_ORDER = [
    "orgs",
    "academicSessions",
    "courses",
    "classes",
    "users",
    "roles",
    "userProfiles",
    "enrollments",
]

STATUS = {"active", "tobedeleted"}
STATUS_11_EXTRA = {"inactive"}  # OneRoster 1.0/1.1 producers still write it
ORG_TYPES = {"department", "school", "district", "local", "state", "national"}
SESSION_TYPES = {"gradingPeriod", "semester", "schoolYear", "term"}
CLASS_TYPES = {"homeroom", "scheduled"}
USER_ROLES_11 = {
    "administrator",
    "aide",
    "guardian",
    "parent",
    "proctor",
    "relative",
    "student",
    "teacher",
}
USER_ROLES_12 = {
    "aide",
    "counselor",
    "districtAdministrator",
    "guardian",
    "parent",
    "principal",
    "proctor",
    "relative",
    "siteAdministrator",
    "student",
    "systemAdministrator",
    "teacher",
}
ROLE_TYPES = {"primary", "secondary"}
ENROLLMENT_ROLES = {"administrator", "proctor", "student", "teacher", "aide"}
BOOLEANS = {"true": True, "false": False}
# CEDS entry grade levels, as the binding lists them.
GRADES = {
    "IT",
    "PR",
    "PK",
    "TK",
    "KG",
    "01",
    "02",
    "03",
    "04",
    "05",
    "06",
    "07",
    "08",
    "09",
    "10",
    "11",
    "12",
    "13",
    "PS",
    "UG",
    "Other",
}
MANIFEST_MODES = {"bulk", "delta", "absent"}


@dataclass(frozen=True)
class Column:
    name: str
    required: bool | str


def columns(version: str, file: str) -> list[Column]:
    return [Column(name, required) for name, required in COLUMNS[version][file]]
