"""The words of the answer frame, per language. Keys are the same in every language."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "sources": "Sources",
        "page": "p.",
        "empty_question": "Votre message est vide. Posez une question sur le programme "
        "INSPIRE ou sur les financements, par exemple : « Comment ma commune peut-elle "
        "rejoindre INSPIRE ? »",
        "truncated": "(Votre question était très longue : seuls ses {n} premiers caractères ont "
        "été pris en compte.)",
        "abstain": "Je n'ai pas trouvé de réponse fiable à cette question dans les documents du "
        "programme INSPIRE. Le référent de votre réseau régional (Lianes Coopération, Pays de la "
        "Loire Coopération Internationale ou SO Coopération) pourra vous répondre.",
        "intro": "D'après les documents du programme :",
    },
    "en": {
        "sources": "Sources",
        "page": "p.",
        "empty_question": "Your message is empty. Ask a question about the INSPIRE programme or "
        "about funding, for example: “How can my town join INSPIRE?”",
        "truncated": "(Your question was very long: only its first {n} characters were used.)",
        "abstain": "I could not find a reliable answer to this question in the INSPIRE programme "
        "documents. The referent of your regional network (Lianes Coopération, Pays de la Loire "
        "Coopération Internationale or SO Coopération) can help you.",
        "intro": "According to the programme documents (quoted in their original language):",
    },
    "uk": {
        "sources": "Джерела",
        "page": "с.",
        "empty_question": "Ваше повідомлення порожнє. Поставте запитання про програму INSPIRE або "
        "про фінансування, наприклад: «Як моя громада може приєднатися до INSPIRE?»",
        "truncated": "(Ваше запитання було дуже довгим: враховано лише перші {n} символів.)",
        "abstain": "Я не знайшов надійної відповіді на це запитання в документах програми "
        "INSPIRE. Зверніться до контактної особи вашої регіональної мережі (Lianes Coopération, "
        "Pays de la Loire Coopération Internationale або SO Coopération).",
        "intro": "Згідно з документами програми (цитати мовою оригіналу):",
    },
    "pl": {
        "sources": "Źródła",
        "page": "s.",
        "empty_question": "Twoja wiadomość jest pusta. Zadaj pytanie o program INSPIRE lub o "
        "finansowanie, na przykład: „Jak moja gmina może dołączyć do INSPIRE?”",
        "truncated": "(Pytanie było bardzo długie: uwzględniono tylko pierwsze {n} znaków.)",
        "abstain": "Nie znalazłem wiarygodnej odpowiedzi na to pytanie w dokumentach programu "
        "INSPIRE. Skontaktuj się z osobą kontaktową swojej sieci regionalnej (Lianes Coopération, "
        "Pays de la Loire Coopération Internationale lub SO Coopération).",
        "intro": "Według dokumentów programu (cytaty w języku oryginału):",
    },
}


def message(lang: str, key: str, **values: object) -> str:
    """The text ``key`` in ``lang`` (French when the language is unknown)."""
    table = MESSAGES.get(lang, MESSAGES["fr"])
    return table[key].format(**values) if values else table[key]
