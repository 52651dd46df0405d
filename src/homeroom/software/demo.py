"""The demo district's catalog of apps and AI tools: some forty tools teachers really use,
each with the schools that use it, licences renewing around the demo's date, and the
district's decision on each (approved, approved with conditions, denied, expired or not
reviewed yet), a few AI tools among them with conditions.

Each decided tool has its privacy and AI review, with an agreement (some expiring within
90 days of the demo's day, the expired ones behind it); teachers' requests wait in every
state. Tools and licences go through the services; reviews and requests, which carry the
dates they happened on, are written straight to the tables."""

import datetime
from decimal import Decimal

from homeroom.core.choices import SiteType
from homeroom.core.demo import DemoContext, demo_step
from homeroom.people.models import Person
from homeroom.software import services
from homeroom.software.choices import Agreement, Decision, RequestStatus, ReviewStatus
from homeroom.software.models import Review, Tool, ToolRequest

# Each tool: its name, vendor and website; its category, "ai" when it uses AI, grade bands
# and subjects; its sign-in, rostering, platforms, the decision, the cost per year (0: free)
# and "all" when every school uses it; then its conditions, when it has any.
CATALOG = """
Google Classroom | Google | https://classroom.google.com
    lms | - | - | -
    google | google_classroom | web chromeos ipad | approved | 0 | all

Canvas | Instructure | https://www.instructure.com/canvas
    lms | - | 6_8 9_12 | -
    google microsoft | oneroster | web ipad | approved | 18000 | some

Schoology | PowerSchool | https://www.powerschool.com/classroom/schoology-learning/
    lms | - | 6_8 9_12 | -
    google | oneroster | web | expired | 0 | some

Seesaw | Seesaw Learning | https://seesaw.com
    lms | - | k2 3_5 | -
    google clever | clever | web ipad chromeos | approved | 6400 | some

Khan Academy | Khan Academy | https://www.khanacademy.org
    content | - | 3_5 6_8 9_12 | Math, Science
    google clever | clever google_classroom | web ipad | approved | 0 | all

Khanmigo | Khan Academy | https://www.khanmigo.ai
    ai_assistant | ai | 6_8 9_12 staff | Math, ELA
    google | clever | web | conditions | 0 | some
    Grades 6-12; teachers review the chat history

MagicSchool | MagicSchool AI | https://www.magicschool.ai
    ai_assistant | ai | staff | -
    google microsoft | none | web | conditions | 0 | all
    Staff only; no student names or data in prompts

Brisk Teaching | Brisk | https://www.briskteaching.com
    browser_extension | ai | staff | -
    google | none | chromeos web | conditions | 0 | some
    Staff only

Diffit | Diffit | https://web.diffit.me
    ai_assistant | ai | staff | ELA, Social studies
    google | none | web | conditions | 0 | some
    Staff only; no student accounts

Gemini for Education | Google | https://gemini.google.com
    ai_assistant | ai | 9_12 staff | -
    google | none | web | conditions | 0 | some
    Grades 9-12 and staff, school accounts only

Microsoft Copilot | Microsoft | https://copilot.microsoft.com
    ai_assistant | ai | staff | -
    microsoft | none | web windows | conditions | 0 | some
    Staff only, signed in with the school account

ChatGPT | OpenAI | https://chatgpt.com
    ai_assistant | ai | - | -
    vendor google | none | web | denied | 0 | some

Character.AI | Character Technologies | https://character.ai
    ai_assistant | ai | - | -
    vendor | none | web | denied | 0 | some

Grammarly | Grammarly | https://www.grammarly.com
    browser_extension | ai | 6_8 9_12 | ELA
    google | none | web chromeos | conditions | 2500 | some
    Generative features turned off for students

Quizizz | Quizizz | https://quizizz.com
    assessment | ai | 3_5 6_8 9_12 | -
    google clever | google_classroom | web ipad | approved | 0 | some

Kahoot! | Kahoot! | https://kahoot.com
    assessment | - | - | -
    google vendor | none | web ipad | approved | 0 | all

Blooket | Blooket | https://www.blooket.com
    assessment | - | 3_5 6_8 9_12 | -
    google vendor | none | web | not_reviewed | 0 | some

Gimkit | Gimkit | https://www.gimkit.com
    assessment | - | 6_8 9_12 | -
    google clever | google_classroom | web | approved | 1200 | some

Formative | Formative | https://www.formative.com
    assessment | - | 6_8 9_12 | -
    google clever | clever | web | expired | 3000 | some

Edpuzzle | Edpuzzle | https://edpuzzle.com
    content | ai | 6_8 9_12 | -
    google clever | google_classroom clever | web ipad | approved | 2100 | some

Desmos | Amplify | https://www.desmos.com
    assessment | - | 6_8 9_12 | Math
    google clever | clever | web ipad | approved | 0 | all

IXL | IXL Learning | https://www.ixl.com
    content | - | - | Math, ELA
    clever google | clever | web ipad | approved | 14000 | some

i-Ready | Curriculum Associates | https://www.curriculumassociates.com
    assessment | - | k2 3_5 6_8 | Math, Reading
    clever | clever | web ipad chromeos | approved | 42000 | all

Lexia Core5 | Lexia | https://www.lexialearning.com
    content | - | k2 3_5 | Reading
    clever | clever | web ipad | approved | 16500 | some

Newsela | Newsela | https://newsela.com
    content | - | 3_5 6_8 9_12 | ELA, Social studies
    google clever | clever | web | approved | 7500 | some

Epic | Epic Creative | https://www.getepic.com
    content | - | k2 3_5 | Reading
    google vendor | none | web ipad | approved | 0 | some

BrainPOP | BrainPOP | https://www.brainpop.com
    content | - | 3_5 6_8 9_12 | Science, Social studies
    google clever | clever | web ipad | approved | 5200 | some

PhET Simulations | University of Colorado Boulder | https://phet.colorado.edu
    content | - | 3_5 6_8 9_12 | Science, Math
    - | none | web | approved | 0 | some

Canva for Education | Canva | https://www.canva.com/education/
    creation | ai | 3_5 6_8 9_12 | -
    google | google_classroom | web ipad | conditions | 0 | all
    Magic (AI) tools off for students under 13

Adobe Express | Adobe | https://www.adobe.com/express/
    creation | ai | 6_8 9_12 | -
    google | none | web | not_reviewed | 0 | some

Book Creator | Book Creator | https://bookcreator.com
    creation | - | k2 3_5 | ELA
    google microsoft | none | web ipad | approved | 1800 | some

Scratch | MIT | https://scratch.mit.edu
    creation | - | 3_5 6_8 9_12 | Computer science
    vendor | manual | web chromeos | conditions | 0 | some
    Teacher accounts create the student accounts; no emails

Code.org | Code.org | https://code.org
    creation | - | - | Computer science
    google clever | clever | web | approved | 0 | some

Tinkercad | Autodesk | https://www.tinkercad.com
    creation | - | 6_8 9_12 | STEM
    google | none | web | not_reviewed | 0 | some

Flip | Microsoft | https://info.flip.com
    communication | - | 3_5 6_8 9_12 | -
    google microsoft | none | web ipad | expired | 0 | some

ClassDojo | ClassDojo | https://www.classdojo.com
    communication | - | k2 3_5 | -
    google vendor | none | web ipad | approved | 0 | some

Remind | Remind | https://www.remind.com
    communication | - | - | -
    google vendor | oneroster | web ipad | conditions | 0 | some
    No student accounts under 13

Padlet | Padlet | https://padlet.com
    communication | ai | 3_5 6_8 9_12 | -
    google microsoft | none | web | not_reviewed | 2400 | some

Read&Write for Google Chrome | Texthelp | https://www.texthelp.com
    browser_extension | - | - | Accessibility
    google | none | chromeos web | approved | 9800 | all

Britannica School | Encyclopaedia Britannica | https://school.eb.com
    library_database | - | - | Research
    google | none | web | approved | 3600 | all

Gale In Context | Gale | https://www.gale.com
    library_database | - | 6_8 9_12 | Research
    google | none | web | approved | 4100 | some

TikTok | ByteDance | https://www.tiktok.com
    communication | - | - | -
    vendor | none | web | denied | 0 | some
"""


def catalog() -> list[dict]:
    """The tools of CATALOG, each a dict of the service's arguments and the decision."""

    def words(value: str) -> list[str]:
        return [] if value == "-" else value.split()

    tools = []
    for block in CATALOG.strip().split("\n\n"):
        head, about, use, *conditions = block.split("\n")
        name, vendor, website = (part.strip() for part in head.split("|"))
        category, ai, grades, subjects = (part.strip() for part in about.split("|"))
        sign_in, rostering, platforms, decision, cost, every = (
            part.strip() for part in use.split("|")
        )
        tools.append(
            {
                "name": name,
                "vendor": vendor,
                "website": website,
                "category": category,
                "uses_ai": ai == "ai",
                "grade_bands": words(grades),
                "subjects": "" if subjects == "-" else subjects,
                "sign_in": words(sign_in),
                "rostering": words(rostering),
                "platforms": words(platforms),
                "decision": decision,
                "conditions": conditions[0].strip() if conditions else "",
                "cost": int(cost),
                "all_schools": every == "all",
            }
        )
    return tools


READ_AND_WRITE_ID = "inoeonmfapjbbkmdafoankkfajkcphgd"
# Days from the demo's date licences renew on, in turn: some soon, some overdue, most later.
RENEWALS = [20, 75, 160, 240, -10, 45, 300, 130, 365, 88]


@demo_step(order=77)
def software_catalog(context: DemoContext) -> None:
    admin = context.shared["accounts"]["admin"]
    tech = context.shared["accounts"]["tech"]
    schools = [site for site in context.shared["sites"] if site.type != SiteType.DISTRICT_OFFICE]
    rng = context.rng
    tools = catalog()
    for n, row in enumerate(tools):
        decision, conditions, cost = row.pop("decision"), row.pop("conditions"), row.pop("cost")
        grades, everywhere = row["grade_bands"], row["all_schools"]
        if everywhere:
            used_at = []
        elif "k2" in grades and "9_12" not in grades:
            used_at = [s for s in schools if s.type == SiteType.ELEMENTARY]
        elif grades and "k2" not in grades and "3_5" not in grades:
            used_at = [s for s in schools if s.type != SiteType.ELEMENTARY]
        else:
            used_at = rng.sample(schools, k=max(1, len(schools) // 2))
        tool = services.tool_create(
            actor=admin,
            extension_ids=[READ_AND_WRITE_ID] if row["name"].startswith("Read&Write") else [],
            sign_in_help=_sign_in_help(row["sign_in"]),
            owner=tech if n % 3 else admin,
            sites=used_at,
            **row,
        )
        if decision != Decision.NOT_REVIEWED:
            _review(context, tool, decision, conditions, n, reviewer=admin)
        if cost:
            services.licence_add(
                actor=admin,
                tool=tool,
                cost=Decimal(cost) * context.scale,
                seats=None if everywhere else rng.choice([150, 300, 600, 1200]) * context.scale,
                renews_on=context.today + datetime.timedelta(days=RENEWALS[n % len(RENEWALS)]),
                paid_by="district" if everywhere or n % 2 else "grant",
            )
    # At scale, more tools of the same kinds (numbered) so lists are long.
    for copy in range(1, context.scale):
        for row in tools[:10]:
            services.tool_create(
                actor=admin,
                name=f"{row['name']} ({copy + 1})",
                vendor=row["vendor"],
                category=row["category"],
            )


def _sign_in_help(sign_in: list[str]) -> str:
    if not sign_in:
        return "No account needed: open the link."
    first = sign_in[0]
    return {
        "google": "Choose “Sign in with Google” and use your school Google account.",
        "microsoft": "Choose “Sign in with Microsoft” and use your school account.",
        "clever": "Open it from your Clever portal: log in to Clever with your school account.",
        "classlink": "Open it from your ClassLink launchpad.",
        "vendor": "Your teacher gives you a class code or your sign-in details.",
    }[first]


# Days from the demo's date each approval's agreement expires on, in turn: a few within the
# 90 days the Today card watches, most in the years ahead.
AGREEMENT_ENDS = [25, 400, 700, 62, 1000, 12, 540, 850, 88, 300]
DATA = {
    "lms": ["name", "identifiers", "enrollment", "schedule", "student_work", "communications"],
    "assessment": ["name", "identifiers", "assessment", "in_app_performance", "app_use"],
    "content": ["name", "identifiers", "in_app_performance", "app_use", "app_metadata"],
    "ai_assistant": ["name", "student_work", "communications", "app_use"],
    "browser_extension": ["name", "identifiers", "student_work", "app_metadata"],
    "creation": ["name", "student_work", "app_use"],
    "communication": ["name", "student_contact", "parent_contact", "communications"],
    "library_database": ["app_use", "app_metadata"],
}


def _review(context: DemoContext, tool: Tool, decision: str, conditions: str, n: int, reviewer):
    today = context.today
    decided_on = today - datetime.timedelta(days=30 + (n * 37) % 500)
    expires = today + datetime.timedelta(days=AGREEMENT_ENDS[n % len(AGREEMENT_ENDS)])
    status = ReviewStatus(decision)
    if status == ReviewStatus.EXPIRED:
        expires = today - datetime.timedelta(days=5 + n % 40)
    signed = status != ReviewStatus.DENIED
    ai = tool.uses_ai
    read_on = decided_on - datetime.timedelta(days=60)
    Review.objects.create(
        tool=tool,
        terms_version=f"Terms and privacy policy of {read_on:%b %Y}",
        terms_url=tool.website,
        status=status,
        data_elements=DATA.get(tool.category, ["name", "app_use"]),
        agreement=Agreement.NDPA if signed and n % 3 else Agreement.STATE_DPA if signed else "none",
        agreement_signed_on=decided_on - datetime.timedelta(days=10) if signed else None,
        agreement_expires_on=expires if signed else None,
        under_13="yes" if set(tool.grade_bands) & {"k2", "3_5"} or not tool.grade_bands else "no",
        consent="school" if signed else "parent",
        sells_data="no" if signed else "unknown",
        targeted_ads="no" if signed else "yes",
        third_party_sharing="yes" if ai else "no",
        deletion_on_request="yes" if signed else "unknown",
        breach_notification="yes" if signed else "unknown",
        ferpa_school_official="yes" if signed else "no",
        retention_policy="yes" if signed else "unknown",
        generative_ai="yes" if ai else "no",
        trains_on_student_data=("yes" if not signed else "no") if ai else "no",
        human_review="yes" if ai else "unknown",
        minimum_age=13 if ai else None,
        content_filtering="yes" if ai and signed else "unknown",
        ai_opt_out="yes" if ai else "unknown",
        model_source="third_party" if ai else "not_ai",
        sso="yes" if tool.sign_in and tool.sign_in[0] != "vendor" else "no",
        conditions=conditions,
        reasons="Trains its models on what students type and shows ads to under-13s."
        if status == ReviewStatus.DENIED
        else "",
        reviewer=reviewer,
        decided_on=decided_on,
        rereview_on=decided_on + datetime.timedelta(days=730)
        if status != ReviewStatus.DENIED
        else None,
        reminders_sent=1
        if status != ReviewStatus.EXPIRED and expires <= today + datetime.timedelta(days=60)
        else 0,
        created_at=context.now - datetime.timedelta(days=(today - decided_on).days + 14),
    )
    Tool.objects.filter(pk=tool.pk).update(decision=decision, conditions=conditions)


# What teachers asked for: the tool, why, the students, and where the request stands.
REQUESTS = [
    ("Blooket", "Review games before the unit test", 28, RequestStatus.NEW),
    ("Adobe Express", "Posters for the science fair", 90, RequestStatus.IN_REVIEW),
    ("Padlet", "A class wall for questions", 56, RequestStatus.WAITING_VENDOR),
    ("Tinkercad", "3D design unit in STEM elective", 45, RequestStatus.NEW),
    ("Curipod", "Interactive slides with AI-made questions", 30, RequestStatus.NEW),
    ("Brisk Teaching", "Feedback on essays", 110, RequestStatus.DECIDED),
    ("ChatGPT", "Students brainstorm essay ideas", 60, RequestStatus.DECIDED),
    ("Quizlet", "Vocabulary practice in Spanish 1", 75, RequestStatus.WITHDRAWN),
]


@demo_step(order=78)
def software_requests(context: DemoContext) -> None:
    schools = [site for site in context.shared["sites"] if site.type != SiteType.DISTRICT_OFFICE]
    teacher = context.shared["accounts"]["teacher"]
    own = Person.objects.filter(user=teacher).select_related("primary_site").first()
    made = []
    for index, site in enumerate(schools):
        staff = list(
            Person.objects.filter(primary_site=site, kind="teacher", user__isnull=False)
            .select_related("user")
            .order_by("pk")[:5]
        )
        users = [person.user for person in staff] or [teacher]
        for n, (name, purpose, students, status) in enumerate(REQUESTS):
            if (n + index) % 3 == 2:
                continue
            user = users[(n + index) % len(users)]
            if own is not None and own.primary_site_id == site.pk and n in (0, 5):
                user = teacher
            asked = context.now - datetime.timedelta(days=2 + (n * 5 + index) % 30, hours=n)
            tool = Tool.objects.filter(name=name).first()
            decided = status == RequestStatus.DECIDED
            made.append(
                ToolRequest(
                    tool=tool,
                    tool_name=tool.name if tool else name,
                    purpose=purpose,
                    classes="",
                    students=students,
                    site=site,
                    requested_by=user,
                    status=status,
                    status_note="Asked the vendor to sign the NDPA."
                    if status == RequestStatus.WAITING_VENDOR
                    else "",
                    decided_at=asked + datetime.timedelta(days=1) if decided else None,
                    created_at=asked,
                    updated_at=asked,
                )
            )
    ToolRequest.objects.bulk_create(made, batch_size=1000)
