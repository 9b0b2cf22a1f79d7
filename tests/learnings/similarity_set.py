"""A small labelled set for learnings similarity: 29 learnings in 10 themes (each with the
title of the incident it came from, stored as the learning's context like a real post-mortem
does) and 20 incident-like queries, each relevant to every learning of one theme."""

THEMES = {
    "embargo": ("Results press release sent before the embargo", [
        "Schedule press releases from the signed-off embargo time in the release header, "
        "never from an email thread.",
        "A second person checks the embargo date and time zone before a release is scheduled.",
        "Distribution lists for embargoed news are checked against the client's approved list.",
    ]),
    "ad_budget": ("Paid search budget set ten times too high overnight", [
        "Budget changes in ad platforms are checked by a second person before they go live.",
        "Set account-level spending limits so a typo cannot overspend.",
        "Daily spend alerts go to the account owner's phone, not only email.",
    ]),
    "wrong_figures": ("Wrong product price in the newsletter", [
        "Prices and figures in newsletters are checked against the client's current price "
        "list.",
        "Product launch copy is proofread against the signed-off fact sheet.",
        "Old templates are archived so last year's figures cannot be reused by mistake.",
    ]),
    "social": ("Social post published early on the client's account", [
        "Social posts are scheduled in the client's time zone and the queue is reviewed the "
        "day before.",
        "Publishing to a client's social accounts uses a separate browser profile per client.",
        "Sensitive posts are paused when the client has breaking news.",
    ]),
    "website": ("Client website down after a deploy", [
        "Website releases go out early in the week, never on a Friday afternoon.",
        "Every deploy has a rollback plan tested on staging.",
        "Uptime monitoring alerts the on-call developer's phone.",
    ]),
    "deadlines": ("Deadline missed without telling the client", [
        "When a deadline is at risk, tell the client the day we know, with a new date.",
        "Every deliverable has one named owner and a date in the shared tracker.",
        "Holiday cover is handed over in writing with open client promises listed.",
    ]),
    "events": ("Venue problem at the client's launch event", [
        "Venue bookings are confirmed in writing and re-confirmed a week before the event.",
        "Speaker travel is booked with a buffer day before the event.",
        "Event registration pages are tested end to end before invitations go out.",
    ]),
    "email": ("Email campaign sent to the wrong segment", [
        "Email sends to a segment are previewed with the recipient count before sending.",
        "Test sends go to an internal seed list, never to the live audience.",
        "Unsubscribe and suppression lists are synced before every campaign.",
    ]),
    "print": ("Brochures printed wrong", [
        "Print proofs are signed off by the client on paper, colour and final size.",
        "Printer deadlines include two days of slack for reprints.",
    ]),
    "reports": ("Monthly report with wrong numbers", [
        "Monthly reports are cross-checked against the platform's own numbers before sending.",
        "Report formulas are locked and reviewed when a new metric is added.",
    ]),
}

QUERIES = [
    ("Press release went to journalists before the embargo lifted", "embargo"),
    ("Results announcement distributed a day early to the media list", "embargo"),
    ("Search campaign overspent overnight because of a budget typo", "ad_budget"),
    ("Facebook ads daily budget set far too high, client charged for extra spend",
     "ad_budget"),
    ("Newsletter quoted the wrong price for the new product", "wrong_figures"),
    ("Launch email used last year's figures", "wrong_figures"),
    ("Instagram post went live on the wrong client's account", "social"),
    ("Tweet published early, before the client's announcement", "social"),
    ("Client website down after a Friday deploy", "website"),
    ("Site outage not noticed for hours, nobody alerted", "website"),
    ("Missed the deadline for the brand guidelines without telling the client", "deadlines"),
    ("Nobody owned the deliverable while the account lead was on holiday", "deadlines"),
    ("Venue double-booked for the client's product launch event", "events"),
    ("Keynote speaker's flight delayed, missed the event", "events"),
    ("Email campaign sent to the whole list instead of the VIP segment", "email"),
    ("Test email went out to real customers", "email"),
    ("Brochures printed in the wrong size and colour", "print"),
    ("Printer missed the deadline for the trade show leaflets", "print"),
    ("Monthly report showed the wrong click numbers", "reports"),
    ("Dashboard metric formula broken, client saw the wrong conversion rate", "reports"),
]


def precision_at_3(search) -> dict:
    """``search(text) -> list of theme names`` of the top results, best first."""
    strict, capped, hit1 = [], [], []
    for text, theme in QUERIES:
        top = search(text)[:3]
        relevant = sum(1 for t in top if t == theme)
        strict.append(relevant / 3)
        capped.append(relevant / min(3, len(THEMES[theme][1])))
        hit1.append(1.0 if top and top[0] == theme else 0.0)
    n = len(QUERIES)
    return {"p_at_3": sum(strict) / n, "p_at_3_capped": sum(capped) / n,
            "hit_at_1": sum(hit1) / n, "queries": n}
