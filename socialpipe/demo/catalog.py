"""Who the demo tenants are: organizations and their people.

Plain data, kept apart from the code that writes it, so the story the demo
tells (a coffee roaster with two brands, a fitness studio with one) can be
read and edited in one place. The brand kits are in brands.py.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoOrganization:
    slug: str
    name: str
    description: str
    industry: str
    website_url: str
    owner: str  # username of the user who created it
    settings: dict[str, object]


@dataclass(frozen=True)
class DemoUser:
    username: str
    email: str
    first_name: str
    last_name: str
    title: str
    memberships: dict[str, str]  # organization slug -> organization role
    system_role: str = "user"  # users.role: admin | user | service


ORGANIZATIONS: tuple[DemoOrganization, ...] = (
    DemoOrganization(
        slug="northwind-coffee",
        name="Northwind Coffee",
        description="Specialty coffee roaster with 14 cafés in the Pacific Northwest.",
        industry="Food & Beverage",
        website_url="https://northwind-coffee.example",
        owner="olivia.hart",
        # local provider: the demo runs offline; history shows an earlier Freepik period
        settings={
            "daily_budget_usd": 25,
            "image_provider": "local",
            "timezone": "America/Los_Angeles",
        },
    ),
    DemoOrganization(
        slug="lumen-fitness",
        name="Lumen Fitness",
        description="Boutique fitness studios and an on-demand training app.",
        industry="Health & Fitness",
        website_url="https://lumen-fitness.example",
        owner="jordan.reyes",
        settings={"daily_budget_usd": 15, "image_provider": "local", "timezone": "Europe/Berlin"},
    ),
)

NW, LF = "northwind-coffee", "lumen-fitness"

USERS: tuple[DemoUser, ...] = (
    # the operator of the installation: a platform admin who helps both tenants
    DemoUser(
        "sam.ops",
        "sam.ops@socialpipe.example",
        "Sam",
        "Okafor",
        "Platform operator",
        {NW: "admin", LF: "admin"},
        system_role="admin",
    ),
    DemoUser(
        "olivia.hart",
        "olivia.hart@northwind-coffee.example",
        "Olivia",
        "Hart",
        "Founder",
        {NW: "owner"},
    ),
    DemoUser(
        "marcus.bell",
        "marcus.bell@northwind-coffee.example",
        "Marcus",
        "Bell",
        "Head of Marketing",
        {NW: "admin"},
    ),
    DemoUser(
        "priya.nair",
        "priya.nair@northwind-coffee.example",
        "Priya",
        "Nair",
        "Brand Manager",
        {NW: "brand_manager"},
    ),
    DemoUser(
        "diego.santos",
        "diego.santos@northwind-coffee.example",
        "Diego",
        "Santos",
        "Content Designer",
        {NW: "editor"},
    ),
    DemoUser(
        "hannah.lee",
        "hannah.lee@northwind-coffee.example",
        "Hannah",
        "Lee",
        "Marketing Lead",
        {NW: "approver"},
    ),
    DemoUser(
        "tom.becker",
        "tom.becker@northwind-coffee.example",
        "Tom",
        "Becker",
        "Legal Counsel",
        {NW: "approver"},
    ),
    # an agency contact who watches both accounts
    DemoUser(
        "grace.kim",
        "grace.kim@agency.example",
        "Grace",
        "Kim",
        "Agency Strategist",
        {NW: "viewer", LF: "viewer"},
    ),
    DemoUser(
        "jordan.reyes",
        "jordan.reyes@lumen-fitness.example",
        "Jordan",
        "Reyes",
        "Co-founder",
        {LF: "owner"},
    ),
    DemoUser(
        "aisha.khan",
        "aisha.khan@lumen-fitness.example",
        "Aisha",
        "Khan",
        "Brand Manager",
        {LF: "brand_manager"},
    ),
    DemoUser(
        "leo.martin",
        "leo.martin@lumen-fitness.example",
        "Leo",
        "Martin",
        "Social Media Editor",
        {LF: "editor"},
    ),
    DemoUser(
        "mia.chen",
        "mia.chen@lumen-fitness.example",
        "Mia",
        "Chen",
        "Community Manager",
        {LF: "editor"},
    ),
    DemoUser(
        "noah.fischer",
        "noah.fischer@lumen-fitness.example",
        "Noah",
        "Fischer",
        "Head Coach",
        {LF: "approver"},
    ),
    DemoUser(
        "emma.novak", "emma.novak@lumen-fitness.example", "Emma", "Novak", "Finance", {LF: "viewer"}
    ),
)


def members(slug: str, role: str) -> list[DemoUser]:
    """The organization's users holding ``role``, in catalog order."""
    return [user for user in USERS if user.memberships.get(slug) == role]
