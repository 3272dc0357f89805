"""What a free-text message wants, decided before any retrieval.

- ``smalltalk``: greetings, thanks, "ok", "👍" — a short friendly reply, never "I don't know";
- ``injection``: "ignore your instructions", "print your token" — a polite refusal;
- ``contact``: a person, an appointment, a referent, a postal code alone — the routing answer;
- ``funding``: money for the user's own project — the call suggestions;
- ``question``: everything else — answer cards, then extractive answers.

Rules on words in French, English, Ukrainian and Polish: fast, predictable, and easy for the
staff to extend. :func:`is_follow_up` tells an elliptic question ("et combien ça coûte ?",
"and for Moldova?") that needs the previous one as context.
"""

from __future__ import annotations

import re
from typing import Literal

from .text import fold

Intent = Literal["smalltalk", "injection", "contact", "funding", "question"]

_SMALLTALK_WORDS = set(
    fold(
        "bonjour salut bonsoir coucou hello hi hey hallo merci beaucoup mille thanks thank you "
        "thx cheers ok okay oki d'accord daccord dac super parfait genial génial top great cool "
        "nice good perfect bien tres très bon bonne journee journée soiree soirée au revoir bye "
        "goodbye a+ ciao good morning afternoon evening much lot привіт вітаю добрий день доброго "
        "дня вечора ранку дякую спасибі дуже щиро добре гаразд ок окей чудово до побачення "
        "dzień dobry dzien cześć czesc witam hej dziękuję dziekuje dzięki dzieki bardzo ok "
        "dobrze świetnie swietnie super do widzenia pozdrawiam the de vous a toi"
    ).split()
)
GREETINGS = set(
    fold(
        "bonjour salut bonsoir coucou hello hi hey hallo good morning afternoon evening привіт "
        "вітаю добрий день доброго dzień dzien dobry cześć czesc witam hej"
    ).split()
)
_THANKS = set(
    fold(
        "merci thanks thank thx cheers ok okay parfait super génial genial top great perfect "
        "excellent дякую спасибі чудово добре гаразд dzięki dzieki dziękuję dziekuje świetnie "
        "swietnie dobrze"
    ).split()
)
_INJECTION = re.compile(
    fold(
        r"ignore[rsz]? (all|toutes?|tous|your|tes|vos|les|previous|the|any)|"
        r"(oublie|forget|disregard)\w* (all|toutes?|tes|your|previous|les|vos)|"
        r"(system|syst[eè]me) prompt|prompt (system|syst[eè]me)|tes instructions|your instructions|"
        r"(bot|api|telegram)[ _-]?token|\btoken\b|mot de passe|password|jailbreak|"
        r"developer mode|mode developpeur|інструкці|системн\w* (промпт|підказ)|"
        r"instrukcj|prompt systemow|zignoruj|ігноруй"
    )
)
_PERSON = re.compile(
    fold(
        r"parler (a|avec) (un|une|quelqu|le|la|mon|ma|votre|notre|l')|conseill|"
        r"\brendez-vous|\brdv\b|etre rappele|me rappeler|rappelez-moi|joindre (le|mon|un|une|"
        r"quelqu)|contacter (le|mon|ma|un|une|quelqu|votre|notre) (referent|conseiller|personne|"
        r"charge|humain|reseau|responsable)|coordonnees|numero de telephone|une vraie personne|"
        r"un humain|mon referent|notre referent|\breferent de (ma|notre|mon)|"
        r"talk to (a|an|some|the|my)|speak (to|with) (a|an|some|the|my)|human being|"
        r"\ba human\b|a real person|appointment|call me back|contact (details|person|someone)|"
        r"get in touch|my referent|who (can|should|do) (i|we) (contact|call|talk)|call me\b|"
        r"someone (from|at) the network|\bcontact (for|of|in|at)\b|"
        r"поговорити з|зв.язатися з|зв.язатись з|консультант|з людиною|живою людиною|"
        r"\bконтакт|координатор|зустріч|porozmawia(c|ć) z|skontaktowa(c|ć) si|konsultant|"
        r"\bkontakt|koordynator|"
        r"z człowiekiem|z czlowiekiem|osob(a|ą|e|ę) kontaktow|dane kontaktowe|spotkani"
    )
)
_WHERE = re.compile(r"^\s*(\d{5}|2[ab]\d{3}|\d{2}|2[ab]|97\d)\s*$", re.IGNORECASE)
_CONTACT_IN = re.compile(
    fold(r"^(contact|contacts|referent|référent|contact in|contact à|контакт|kontakt)\b")
)
_FUNDING = re.compile(
    fold(
        r"\b(quelles?|quels?) (aides?|subventions?|financements?)\b|\baides? (pour|de l)|"
        r"subventions? pour|financements? pour|financer (mon|notre|nos|un|une|le|la|ce|cette)|"
        r"appels? (a|à) projets?|trouver (des|un) financ|cofinancer (mon|notre|un) projet|"
        r"funding (for|available|opportunit)|grants? (for|available)|fund (our|my|a)|"
        r"calls? for proposals|open calls?|"
        r"finance (our|my|a) project|фінансування (для|на|проєкт|проект)|грант(и|ів)? (на|для)|"
        r"де знайти фінансування|отримати фінансування|дофінансування|"
        r"\bfinansowani[ea] (na|dla|projektu)|\bdofinansowani|\bdotacj[aei] (na|dla)|"
        r"\bnab(ó|o)ry?\b|конкурс\w* (єс|для|на)|відкрит\w* конкурс|"
        r"skąd (wziąć|pozyskać) (pieniądze|środki)|jakie (dotacje|granty|fundusze)"
    )
)
_PROGRAMME_FUNDING = re.compile(
    fold(r"inspire|programme|program\b|programu|програм|daect|meae|ministere|ministère")
)
_CONNECTOR = re.compile(
    fold(
        r"^(et|mais|sinon|aussi|and|but|also|what about|how about|а|і|й|та|також|a|i|oraz|"
        r"ale|to)\b"
    )
)
_ANAPHORA = re.compile(
    fold(
        r"\b(ca|cela|ce|celle|celui|il|elle|ils|elles|y|en|it|this|that|they|them|there|"
        r"це|цього|цей|ця|там|воно|вони|to|tego|ten|ta|tam|oni)\b"
    )
)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def is_smalltalk(text: str) -> bool:
    """Only greetings, thanks or acknowledgements (and emoji): nothing to answer. A short
    message of thanks without a question counts too ("super, merci c'est très clair")."""
    tokens = words(text)
    if not tokens:
        return bool(text.strip()) and not any(c.isdigit() for c in text)  # "👍", "🙏"
    if len(tokens) <= 8 and all(t in _SMALLTALK_WORDS for t in tokens):
        return True
    return "?" not in text and len(tokens) <= 8 and any(t in _THANKS for t in tokens)


def is_injection(text: str) -> bool:
    """An attempt to make the bot leave its role or reveal its setup."""
    return bool(_INJECTION.search(fold(text)))


def classify(text: str) -> Intent:
    """The intent of one message (see the module docstring)."""
    folded = fold(text).strip()
    if is_smalltalk(text):
        return "smalltalk"
    if is_injection(text):
        return "injection"
    if _WHERE.match(folded) or _PERSON.search(folded) or _CONTACT_IN.match(folded):
        return "contact"
    if _FUNDING.search(folded) and not _PROGRAMME_FUNDING.search(folded):
        return "funding"
    return "question"


def is_follow_up(text: str) -> bool:
    """An elliptic message that only makes sense after the previous question."""
    folded = fold(text).strip()
    tokens = words(text)
    if not tokens or len(tokens) > 12:
        return False
    if _CONNECTOR.match(folded) and len(tokens) <= 8:
        return True
    if len(tokens) <= 3:  # "combien ?", "скільки відсотків?", "and Moldova?"
        return True
    return len(tokens) <= 5 and bool(_ANAPHORA.search(folded))


def strip_greeting(text: str) -> str:
    """``Bonjour, comment rejoindre INSPIRE ?`` → ``comment rejoindre INSPIRE ?``."""
    parts = re.split(r"(?<=[,!.:;])\s+", text.strip(), maxsplit=1)
    if len(parts) == 2 and is_smalltalk(parts[0]):
        return parts[1]
    return text
