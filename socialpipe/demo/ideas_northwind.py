"""What Northwind Coffee asks for: 25 content request ideas over its two brands.

Each idea is (brand key, content type, title, description, call to action,
keywords). The brief the pipeline reads is composed from these and the
brand's voice by the requests module.
"""

from typing import NamedTuple


class Idea(NamedTuple):
    brand: str
    content_type: str
    title: str
    description: str
    cta: str
    keywords: tuple[str, ...]


NC, NR = "northwind-coffee", "northwind-reserve"

NORTHWIND_IDEAS: tuple[Idea, ...] = (
    Idea(
        NC,
        "promotion",
        "Pumpkin Spice Oat Latte is back",
        "Seasonal return of our best-selling autumn drink, now with house-made oat milk.",
        "Order ahead in the app",
        ("latte", "autumn", "oat milk", "seasonal"),
    ),
    Idea(
        NC,
        "post",
        "Meet our head roaster, Ines",
        "Portrait-led post introducing the person behind every roast profile.",
        "Read her story",
        ("roastery", "people", "craft"),
    ),
    Idea(
        NC,
        "ad",
        "Cold brew season: 2-for-1 Fridays",
        "Paid campaign for the summer cold-brew offer across the Seattle cafés.",
        "Find your café",
        ("cold brew", "summer", "offer"),
    ),
    Idea(
        NC,
        "announcement",
        "New café opening in Fremont",
        "Our fifteenth café opens under the troll bridge with a brunch menu.",
        "See opening hours",
        ("opening", "fremont", "cafe"),
    ),
    Idea(
        NC,
        "event",
        "Latte art throwdown at Capitol Hill",
        "Friendly barista competition with a public vote and free tastings.",
        "Save your spot",
        ("latte art", "event", "community"),
    ),
    Idea(
        NC,
        "story",
        "Behind the bar: how we dial in espresso",
        "Three-frame story showing grind, dose and timing at opening time.",
        "Swipe for the recipe",
        ("espresso", "barista", "how-to"),
    ),
    Idea(
        NC,
        "promotion",
        "Reusable cup week: 25¢ off every refill",
        "Sustainability push rewarding guests who bring their own cup.",
        "Bring your cup",
        ("sustainability", "reusable", "discount"),
    ),
    Idea(
        NC,
        "ad",
        "Holiday gift boxes now shipping",
        "Gift boxes with two bags, a mug and a handwritten card, shipped nationwide.",
        "Shop gift boxes",
        ("holiday", "gifts", "shipping"),
    ),
    Idea(
        NC,
        "post",
        "Barista tip: grind size for pour-over",
        "Educational carousel cover on matching grind size to brew time.",
        "Try it at home",
        ("pour-over", "grind", "tips"),
    ),
    Idea(
        NC,
        "event",
        "Saturday cupping class",
        "Hands-on cupping session at the roastery, six seats per class.",
        "Book a seat",
        ("cupping", "class", "roastery"),
    ),
    Idea(
        NC,
        "story",
        "Morning rush poll: oat or whole milk?",
        "Interactive story poll to learn what regulars order.",
        "Vote now",
        ("poll", "milk", "community"),
    ),
    Idea(
        NC,
        "announcement",
        "Compostable cups in every café",
        "All to-go cups and lids are now certified compostable.",
        "Learn more",
        ("sustainability", "packaging"),
    ),
    Idea(
        NC,
        "post",
        "Maple cardamom bun pairing",
        "Food pairing of the new bakery bun with our house blend.",
        "Pair it today",
        ("bakery", "pairing", "house blend"),
    ),
    Idea(
        NC,
        "promotion",
        "Loyalty app: double stars this weekend",
        "Weekend boost for loyalty members ordering through the app.",
        "Open the app",
        ("loyalty", "app", "weekend"),
    ),
    Idea(
        NC,
        "post",
        "Rainy day hot chocolate menu",
        "Cosy menu of three hot chocolates for the wet season.",
        "Warm up with us",
        ("hot chocolate", "winter", "menu"),
    ),
    Idea(
        NC,
        "ad",
        "Summer iced menu launch",
        "Launch of the iced menu: tonic espresso, iced honey latte, cold foam.",
        "Taste the menu",
        ("iced", "summer", "menu", "launch"),
    ),
    Idea(
        NR,
        "announcement",
        "Ethiopia Guji lot 14 release",
        "Limited washed lot with jasmine and bergamot notes, 300 bags only.",
        "Reserve a bag",
        ("ethiopia", "limited", "single-origin"),
    ),
    Idea(
        NR,
        "post",
        "Tasting notes: Colombia Huila Geisha",
        "Flavour-wheel post describing the Geisha from Huila.",
        "Explore the notes",
        ("geisha", "colombia", "tasting"),
    ),
    Idea(
        NR,
        "ad",
        "Reserve subscription: first bag free",
        "Acquisition ad for the monthly reserve subscription.",
        "Start subscribing",
        ("subscription", "offer", "reserve"),
    ),
    Idea(
        NR,
        "event",
        "Roastery tour and tasting evening",
        "Evening tour of the roastery with a guided tasting of three lots.",
        "Get tickets",
        ("tour", "tasting", "roastery"),
    ),
    Idea(
        NR,
        "post",
        "From farm to cup: our Kenya partners",
        "Story of the Nyeri cooperative we have bought from for six years.",
        "Meet the growers",
        ("kenya", "direct trade", "farmers"),
    ),
    Idea(
        NR,
        "promotion",
        "Limited: Panama natural in 100 g tins",
        "Small-format tins of a natural-process Panama lot for gifting.",
        "Buy the tin",
        ("panama", "natural", "gift"),
    ),
    Idea(
        NR,
        "story",
        "Brewing guide: the perfect V60",
        "Step-by-step V60 recipe in five story frames.",
        "Save the guide",
        ("v60", "brewing", "guide"),
    ),
    Idea(
        NR,
        "event",
        "Reserve bar pop-up at Pike Place",
        "Two-week pop-up bar serving reserve lots by the cup.",
        "Visit the pop-up",
        ("pop-up", "pike place", "reserve bar"),
    ),
    Idea(
        NR,
        "announcement",
        "Anaerobic Costa Rica micro-lot",
        "Announcing an experimental anaerobic fermentation micro-lot.",
        "Be first to taste",
        ("costa rica", "anaerobic", "micro-lot"),
    ),
)
