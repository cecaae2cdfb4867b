"""Write src/frontaid/web/common-passwords.txt, the list `frontaid user add` refuses.

The list is zxcvbn's (pinned in the dev extra: zxcvbn==4.5.0; its `passwords` list
is the 30,000 most frequent in leaked password sets), lower-cased, those of 6
characters or more (shorter ones are refused by length anyway, and a longer password
that ends in digits is checked with them stripped), plus a few that a Ukrainian team
reaches for first. The hub never downloads anything: the file ships in the package.

Run: python scripts/common_passwords.py
"""

from __future__ import annotations

from pathlib import Path

from zxcvbn.frequency_lists import FREQUENCY_LISTS

OURS = ["slavaukraini", "slava ukraini", "heroyamslava", "героямслава", "славаукраїні", "слава україні",
        "йцукенгшщз", "йцукен", "йцукенгшщзхї", "qwertyuiop", "1q2w3e4r5t", "frontaid", "bakhmut",
        "бахмут", "artemivsk", "ukraine", "україна", "ukraina", "kyiv", "пароль", "parol"]

if __name__ == "__main__":
    words = sorted({w.lower() for w in FREQUENCY_LISTS["passwords"] if len(w) >= 6} | set(OURS))
    out = Path(__file__).resolve().parent.parent / "src/frontaid/web/common-passwords.txt"
    out.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} passwords -> {out}")
