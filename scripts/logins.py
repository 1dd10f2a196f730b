"""Print where the demo database is served and who can log in (called by `make run`)."""

URL = "http://localhost:8069"

# login (password = login), role, what the user sees in the demo data of childcare_base
LOGINS = [
    ("admin", "Administrator", "everything, settings included"),
    ("clerk", "Municipal staff + invoicing", "every structure, family, child and income; the monthly billing runs"),
    ("staff", "Structure staff", "only the crèche Les Petits Loups and its children"),
    ("nurse", "Structure staff + medical", "crèche Les Petits Loups, medical sheets"),
    ("parent", "Portal parent", "household Dupont (2 children)"),
    ("parent2", "Portal parent", "household Dubois (a child in shared custody, 50 %)"),
]
DIRECTORS = ["director.creche", "director.relais", "director.mini", "director.camps"]


def main():
    print(f"\nCivic Childcare demo: {URL}\n")
    width = max(len(login) for login, _role, _scope in LOGINS)
    for login, role, scope in LOGINS:
        print(f"  {login:<{width}}  / {login:<{width}}  {role}: {scope}")
    print(f"\n  Structure directors (password = login): {', '.join(DIRECTORS)}\n")


if __name__ == "__main__":
    main()
