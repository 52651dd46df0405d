"""The demo district's catalog of apps and AI tools: some forty tools teachers really use,
each with the schools that use it, licences renewing around the demo's date, and the
district's decision on each (approved, approved with conditions, denied, expired or not
reviewed yet), a few AI tools among them with conditions.

Tools and licences go through the services; the decisions, which later come from privacy
reviews, are written straight to the tools."""

import datetime
from decimal import Decimal

from homeroom.core.choices import SiteType
from homeroom.core.demo import DemoContext, demo_step
from homeroom.software import services
from homeroom.software.choices import Decision
from homeroom.software.models import Tool

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
            Tool.objects.filter(pk=tool.pk).update(decision=decision, conditions=conditions)
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
