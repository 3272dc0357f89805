"""What a free-text message wants, decided before any retrieval.

- ``smalltalk``: greetings, thanks, "ok", "👍" — a short friendly reply, never "I don't know";
- ``injection``: "ignore your instructions", "print your token" — a polite refusal;
- ``off_topic``: what a help desk for the programme plainly does not do — a recipe, the weather,
  one's income-tax return — said at once, even with programme words around it ("a recipe for
  the delegation's dinner");
- ``contact``: a person, an appointment, contact details, a postal code alone — the routing answer;
- ``funding``: money for the user's own project — the call suggestions;
- ``question``: everything else — answer cards, then extractive answers.

Rules on words in French, English, Ukrainian (with its Russian-influenced forms) and Polish,
written the way people type: formal or colloquial, without accents, with common typos. They are
fast, predictable, and easy for the staff to extend. A programme question that mentions money,
a referent or a contact as its topic ("Comment est financé le programme ?", "Que fait le
référent ?") stays a ``question``. :func:`is_follow_up` tells an elliptic question ("et combien
ça coûte ?", "and for Moldova?") that needs the previous one as context.

Patterns go through :func:`fold` (lower case, no accents), so they use ``\\b``, ``\\d``, ``\\s``
and ``\\w`` only, never their upper-case negations.
"""

from __future__ import annotations

import re
from typing import Literal

from .text import fold

Intent = Literal["smalltalk", "injection", "off_topic", "contact", "funding", "question"]


def _folded_set(text: str) -> set[str]:
    return set(fold(text).split())


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile(fold("|".join(parts)))


GREETINGS = _folded_set(
    "bonjour bjr bonsoir bsr salut slt coucou cc hello hi hey hallo yo hiya howdy morning "
    "afternoon evening привіт привiт вітаю віт добрий доброго здрастуйте здравствуйте "
    "здраствуйте привет добрый dzień dzien dobry cześć czesc witam witajcie hej siema "
    "справи дела allez masz going"  # "ça va ?", "як справи?": a greeting, answered as one
)
# Thanks and acknowledgements: enough, with no question, to make a message small talk.
_THANKS = _folded_set(
    "merci mercis mrc mci remercie remercions thanks thank thx ty tysm tks thks cheers appreciate "
    "appreciated ok okay oki oké okey okk k d'accord daccord d'acc dacc dac entendu compris "
    "noté note reçu recu nickel impec impeccable parfait super génial genial top great perfect "
    "excellent formidable cool nice awesome brilliant lovely understood noted alright got "
    "дякую дякуємо дяк дякс дяки спасибі спасибо спс пасиба вдячний вдячна вдячні чудово "
    "добре гаразд окей ок зрозуміло зрозумів зрозуміла ясно супер клас класно відмінно "
    "прекрасно понятно хорошо ладно отлично благодарю благодарим dzięki dzieki dziękuję "
    "dziekuje dziękujemy "
    "dziekujemy dzienki dziekówa dzk świetnie swietnie dobrze dobra rozumiem jasne spoko "
    "okej git wspaniale doskonale fajnie ekstra zrozumiałem zrozumialem zrozumiałam "
    "zrozumialam"
)
_FAREWELLS = _folded_set(
    "revoir bientôt bientot ciao tchao bye goodbye cya привіт бувай бувайте побачення "
    "зустрічі свидания widzenia zobaczenia pozdrawiam pozdrowienia dobranoc razie"
)
# Words that may surround greetings and thanks ("merci beaucoup pour votre aide").
_FILLER = _folded_set(
    "le la les l'equipe equipe team bot robot команда команде zespół zespol beaucoup bcp "
    "mille fois infiniment grand gros vraiment tres très bien bon bonne bonnes "
    "journee journée soiree soirée fin de week-end weekend continuation a à plus tous toutes "
    "tout le monde vous toi te tu je j'ai ai nous pour votre vos ton ta tes l'info info infos "
    "information informations réponse reponse réponses reponses aide retour rien c'est est "
    "clair ça ca marche vu oui non si madame monsieur mme m the a you so much very lot many "
    "all everyone for your that that's this is it really good day nice have see take care "
    "night again yes yeah yep nope no sure fine makes sense there sounds great weekend clear "
    "help answer reply indeed "
    "дуже щиро велике величезне вам тобі вас за відповідь допомогу інформацію день дня "
    "вечора вечір ранку ранок все всім всього доброго добре на гарного хорошого так ні "
    "пані пане друзі колеги да нет большое огромное вам все понял поняла "
    "bardzo serdecznie wielkie stokrotne za odpowiedź odpowiedz pomoc informacje informację "
    "informacja wam ci panu pani państwu panstwu wszystkim wszystko dnia miłego milego "
    "dobry wieczór wieczor dobranoc tak nie to jest na razie pa"
)
_CORE_SMALLTALK = GREETINGS | _THANKS | _FAREWELLS
# Phrases whose words are only fillers on their own ("bonne journée", "sounds good").
_SMALLTALK_PHRASES = _rx(
    r"\bbonne (journee|soiree|fin de journee|continuation|semaine)|\bbon (week-end|weekend|"
    r"apres-midi)|\b(ca|c'est) marche|\bmille mercis?|\bbien vu|\bhave a (nice|good|great)|"
    r"\bsounds (good|great)|\bmakes sense|\btake care|\bsee you|\bgood (day|night)|"
    r"\b(гарного|хорошого|чудового|гарних) (дня|вечора|вихідних)|\bвсього (доброго|найкращого)|"
    r"\bна все добре|\bвсего (доброго|хорошего)|\b(miłego|milego|dobrego) (dnia|wieczoru|"
    r"weekendu)|\bdo (zobaczenia|usłyszenia|uslyszenia)|\bna razie|"
    r"^(oui|non|yes|no|nope|yep|yeah|так|ні|да|нет|tak|nie)\b|\bdobry wieczor|"
    r"\b(dobrego|milego|miłego) wieczoru"
)
_SMALLTALK_WORDS = _CORE_SMALLTALK | _FILLER

# A message of thanks that still asks or requests something is not small talk.
_INTERROGATIVE = (
    r"\b(comment|combien|quel|quelle|quels|quelles|pourquoi|quand|lequel|laquelle|est-ce|"
    r"how|which|where|when|who|why|whom|whose|what|чи|як|яка|який|які|яке|скільки|де|коли|хто|"
    r"чому|навіщо|куди|как|сколько|где|когда|кто|почему|jak|jaki|jaka|jakie|ile|gdzie|kiedy|"
    r"kto|czy|dlaczego|czemu)\b"
)
_ASKING = _rx(
    _INTERROGATIVE,
    r"\b(voudrais|voudrions|veux|voulons|souhaite|souhaitons|savoir|besoin d|cherche|cherchons|"
    r"explique|expliquez|expliquer|dites-moi|dis-moi|want|would like|need|know|looking for|"
    r"tell me|explain|could you|can you|please send|хочу|хочемо|хотів|хотіла|хотілося|потрібно|"
    r"треба|шукаю|шукаємо|цікавить|дізнатися|знати|поясніть|розкажіть|хотел|нужно|"
    r"chcę|chce|chcemy|chciał|chcial|potrzebuj|szukam|szukamy|wiedzieć|wiedziec|dowiedzieć|"
    r"dowiedziec|wyjaśnij|wyjasnij|powiedz|opowiedz|interesuje)",
    r"\b(et|and|а|і|a|i|oraz) (pour|for|для|dla|en|au|in|w|у|в|si|if|якщо|jeśli|jesli)\b",
    r"\b(а|a|і|i|et|and) (co|що|что|what|як|jak|ile|скільки|сколько|коли|kiedy|combien|comment|"
    r"quand|gdzie|де|где|kto|хто|кто)\b|\b(co z|що з|что с|what about|how about|et si|what if)\b",
    r"\b(mais|but|ale|але|но|однак|проте|jednak|however|pourtant|sauf)\b|n't\b|"
    r"\b(pas|not|nie|не)\b(?! (de (souci|probleme)|besoin|problem|trzeba|treba|треба|потрібно|"
    r"нужно|ma za co|za що))",
    r"cofinanc|co-?financ|taux|adhe|adhér|rejoindre|integrer|intégrer|\bjoin|rrma|amorcer|"
    r"renforcer|eligib|éligib|delai|délai|deadline|date limite|\bcout|coût|\bcost|\bprix|"
    r"price|inspire|співфінанс|współfinans|wspolfinans|dołącz|dolacz|приєдн",
)
_INTERROGATIVE_RX = _rx(_INTERROGATIVE)
_INJECTION = _rx(
    # leave the instructions
    r"\bignor(e|er|ez|es|ing)?\b.{0,20}\b(your|tes|vos|above|earlier|ses|"
    r"(previous|prior)(?! (question|message|answer|reponse))|everything|instruct|consign|regl|"
    r"rule|precedent|ce qu'on t|ce que (je|on) t|ton role|system|systeme)",
    r"\b(oublie|oubliez|forget|disregard|override|bypass|contourne)\w*\b.{0,20}\b(tes|your|"
    r"(previous|prior)(?! (question|message|answer|reponse))|above|ce qu'on t|everything|"
    r"ce que (je|on) t|instruct|consign|regl|rule|restrict|filtr|safety|securit|guardrail|"
    r"ton role)",
    r"\b(tes|vos|your|ses|his|its) (instructions|consignes|system (message|prompt)|"
    r"initial prompt|guidelines|regles|rules)\b|\b(the|les|ces) (instructions|consignes|regles|"
    r"rules) (above|precedentes|previous|prior|initiales|initial|du systeme|of the system|"
    r"ci-dessus|au-dessus|you were given|qu'on t'a|que tu as)",
    r"(system|syst[eè]me|initial|hidden|cache|secret) ?prompt|prompt (system|syst[eè]me|initial"
    r"|cache|secret)|\b(ton|votre|your|твій|твої|свій|свої|ваш|twój|twoj|"
    r"swój|swoj|twoje|swoje) (prompt|config|configuration|konfiguracj|конфігурац)",
    r"(repete|repeat|print|affiche|show|reveal|revele|montre|display|output|dump|leak|"
    r"give me|donne-moi|donne moi|tell me|dis-moi) .{0,40}(prompt|configuration|config\b|"
    r"token|cle (api|secrete|privee)|api key|secret key|secrets?\b|password|mot de passe|"
    r"credentials|variables d'environnement|environment variables|\.env|text above|"
    r"texte au-dessus|texte ci-dessus|above text|everything above|messages? (systeme|system))",
    # change role
    r"\b(you are|you're|youre) now\b|from now on,? you|\bact as (if|though|an? (ai|unrestricted|"
    r"different|evil|hacker|dan|developer|admin|linux|terminal|pirate|chatbot without))|"
    r"pretend (to be|you|that you)|role-?play|\b(dan|stan|dude) mode|do anything now|"
    r"\b(tu es|vous etes) (maintenant|desormais|dorenavant)\b|(a partir de maintenant|"
    r"desormais|dorenavant),? (tu|vous) (es|etes|vas|allez|dois|devez|reponds|repondez)|"
    r"fais (comme si|semblant)|faites (comme si|semblant)|joue(z)? (le role|un role)|"
    r"agis(sez)? (comme|en tant que)|\bsans (aucun )?(filtre|censure)|\bwithout (any )?"
    r"(filters?|censorship)|\b(ai|ia|assistant|chatbot|bot|mode|model|modele|tu|you) (sans|"
    r"without|no) (aucune |any )?(restrictions?|limites?|limits?|rules|regles)",
    # secrets
    r"(bot|api|telegram|access|acces)[ _-]?(token|key|cle)|\btoken\b|\btokena?\b|"
    r"cle (d'api|api|secrete|privee)|api key|secret key|private key|\b(ton|ta|tes|votre|vos|"
    r"your|the bot's|du bot|admin|root|server|serveur|database) (mot de passe|password|"
    r"credentials|identifiants)|(mot de passe|password|credentials) (admin|root|du (bot|serveur)"
    r"|of the (bot|server))|"
    r"\bpasswd|jailbreak|developer mode|mode (developpeur|developer|dev|admin|debug)|"
    r"admin mode|sudo\b|variables? d'environnement|environment variables?|\.env\b|"
    r"ssh key|(twoje|swoje|admina) (hasł|hasl)|klucz(a)? (api|prywatny)|ключ (api|апі|доступу)|"
    r"токен|(твій|ваш|свій|у тебе|у вас|адмін\w*|бота|свой|твой) пароль|пароль (від|бота|"
    r"адмін|до|от)\b",
    # Ukrainian and Russian-influenced
    r"ігнор(уй|уйте|увати)|игнорир|проігнор|забудь(те)? (все|усі|всі|попередн|свої|інструкц|"
    r"правила|что|що)|(попередн|сво|твої|твоі|системн|внутрішн)\w* (інструкці|правил|промпт|"
    r"підказ|налаштуван)|инструкци\w* (выше|системы)|(предыдущ|свои|твои|системн)\w* (инструкц|"
    r"промпт)|системн\w* (промпт|підказ|повідомлен)|(покажи|покажіть|виведи|надрукуй|розкажи|"
    r"покажите|выведи|напиши) .{0,20}(промпт|інструкці|инструкци|налаштуван|конфіг|токен|"
    r"пароль|ключ)|(тепер|відтепер|отныне|теперь) ти\b|(тепер|отныне|теперь) ты\b|уяви,? що ти|"
    r"уявіть,? що ви|представь,? что ты|прикинься|вдавай|поводься як|веди себя как|"
    r"(ти|ты|режим|бот|асистент|ассистент) без (обмежень|ограничений|фільтрів|фильтров|цензур)",
    # Polish
    r"zignoruj|ignoruj|pomiń (wszystk|poprzedn)|pomin (wszystk|poprzedn)|"
    r"zapomnij (o|wszystk|poprzedn|swoje|instrukc)|(poprzedni|swoje|twoje|systemow|wewnętrzn|"
    r"wewnetrzn)\w* (instrukcj|polece|prompt|zasad)|instrukcj\w* (systemow|powyżej|powyzej)|"
    r"prompt systemow|(pokaż|pokaz|wypisz|wyświetl|wyswietl|ujawnij|podaj) .{0,20}(prompt|"
    r"instrukcj|konfiguracj|token|hasł|hasl|klucz)|udawaj|(od teraz|teraz) jeste(ś|s)|"
    r"wciel się|wciel sie|(bot|asystent|tryb|jesteś|jestes) bez (ograniczeń|ograniczen|filtrów|"
    r"filtrow|cenzury)",
)
# Unmistakable requests for a person, an appointment or contact details.
_PERSON = _rx(
    # French
    r"\bparl(er|e) (a|avec|au) (un|une|quelqu|qqn|qq1|quelque|le|la|mon|ma|votre|notre|vos|nos|"
    r"des|l'|conseill|referent|personne|humain)",
    r"\b(echanger|discuter|m'entretenir|s'entretenir) (avec|a) (un|une|quelqu|qqn|le|la|votre|vos|"
    r"notre|l'equipe|mon|ma)",
    r"(prendre|avoir|fixer|obtenir|organiser|demander|caler|planifier|solliciter|un|une demande"
    r" de|d'un) (un )?(rendez[- ]?vous|rdv|rv|creneau|entretien|echange telephonique|visio)",
    r"\brdv\b|\bvisio\b|visioconference|appel (telephonique|visio)",
    r"\b(me |nous |m'|m )(rappeler|recontacter|contacter|appeler|telephoner|ecrire|joindre)\b|"
    r"(rappelez|recontactez|contactez|appelez|telephonez|ecrivez|rappelle|recontacte|contacte|"
    r"appelle)[- ]?(moi|nous)\b|\betre (rappelee?s?|recontactee?s?|contactee?s?|"
    r"accompagnee?s? par (un|une|quelqu))|"
    r"\b(vous|te) (contacter|joindre|appeler|telephoner|ecrire|rencontrer)\b|"
    r"\bcomment (contacter|joindre|appeler|ecrire a|telephoner a)\b|\bcontacter (le|la|les|l'|"
    r"un|une|mon|ma|notre|votre|quelqu|qqn|directement|quelq)\b",
    r"\bjoindre (un|une|quelqu|qqn|mon|ma|votre|notre|le referent|la referente|le conseiller|"
    r"la conseillere|la personne|le responsable|le coordinat|la coordinat|l'animat|le charge|"
    r"la charge|l'equipe|le secretariat|quelq)",
    r"coordonnees|\b(numero|num|n°|no) (de )?(tel|telephone|portable|mobile)\b|\bnum de tel\b|"
    r"\b(votre|ton|son|leur|vos|leurs) (numero|telephone|tel|portable|mail|e-mail|email|"
    r"courriel|mel|adresse mail)s?\b|\b(un|le) (numero de )?(telephone|tel|portable)\b",
    r"\b(e-?mail|mail|courriel|mel|adresse|telephone|tel|numero|contacts?|nom) (du|de la|de l'|de "
    r"mon|de ma|de notre|de votre|des|d'un|d'une|de mes|de nos|de son) (referent|conseill|charge|"
    r"coordinat|responsable|animat|personne|equipe|reseau|interlocut|contact|correspondant)",
    r"\bqui (contacter|appeler|joindre|ecrire|solliciter)\b|\bqui (je|on|nous) (contacte|"
    r"appelle|joins|joint|ecris|sollicite)\b|\bqui (je|on|nous) (peux|peut|pourrais|pourrait|dois|"
    r"doit|devrais|pouvons|devons) (appeler|contacter|joindre|ecrire a|solliciter)\b|"
    r"\bqui (dois|puis|peux|peut|faut|doit|"
    r"devons|pouvons)[- ]?(je|on|il|nous)? ?(le |la |les )?(contacter|appeler|joindre|ecrire|"
    r"solliciter|m'adresser|nous adresser|s'adresser)|\ba qui (m'adresser|s'adresser|nous "
    r"adresser|dois-je|puis-je|je dois|je peux|on peut|on doit|ecrire|parler|demander|"
    r"m'adresse|nous adressons|poser|faut-il|doit-on|peut-on|telephoner)|aupres de qui|vers qui "
    r"(me|nous|se) (tourner|diriger|orienter)|\bqui peut (m'aider|nous aider|me renseigner|nous "
    r"renseigner|m'accompagner|nous accompagner|me conseiller|nous conseiller|me repondre|nous "
    r"repondre|me guider)|\bqui est (mon|ma|notre|nos|le|la) (referent|conseill|contact|"
    r"interlocut|coordinat|correspondant|responsable)|\bqui sont (mes|nos|les) (referent|"
    r"conseill|contact|interlocut|coordinat|correspondant)",
    r"une vraie personne|\bun (vrai )?humain|un etre humain|une personne physique|"
    r"quelqu'un (de|du|chez|qui pourrait|qui puisse|pour m'aider|pour nous aider|a qui|avec qui)|"
    r"\b(un|mon|notre|votre|d') interlocut|\b(mon|ma|notre|nos) (referent|conseill|coordinat|"
    r"correspondant|contact)(?!s? (sont|est|la-bas|labas|en ukraine|a l'etranger))|"
    r"\b(un|le|des|les|votre|vos) contacts? (a|en|dans|pour|du|de|au|aux|"
    r"sur|chez)\b(?! (l'ukraine|la moldavie|la georgie|l'armenie|entre|avec))",
    r"\b(me |nous |m')(mettre|mettiez|mette) en (relation|contact)|(mettez|mettre)[- ](moi|nous) "
    r"en (relation|contact)|\betre mise?s? en (relation|contact) avec (le|la|un|une|quelqu|"
    r"votre|vos|l'|mon|ma|notre)\b(?! commune)",
    # English
    r"\b(talk|speak|chat|discuss) (to|with) (a|an|some|the|my|our|your|real|human|person|anyone|"
    r"somebody|one of|advis|coordinator|referent|staff|team|people|someone)",
    r"human (being|agent|advis)|real (person|human)|live (agent|person|chat)|actual (person|human)"
    r"|\ba human\b|\b(to|with) a person\b",
    r"appointment|\b(book|schedule|set up|arrange|organi[sz]e|request|have) (a|an) (call|meeting|"
    r"slot|video ?call|phone call|visit)|\b(a|an) (phone|video|zoom|teams) (call|meeting)|"
    r"\bmeet (with )?(someone|somebody|a person|an advis|the (referent|coordinator|team))",
    r"\bcall (me|us)\b|\bring (me|us)\b|\bcall ?back|\bphone (me|us)\b|\b(e-?mail|write to|text|"
    r"contact) (me|us)\b",
    r"contact (details|info|information|person|someone|somebody|data|number|email|e-mail|address|"
    r"point|list)|(phone|telephone|mobile) (number|no)|\b(e-?mail|postal) address|"
    r"\b(email|e-mail|phone|number) (of|for) (the|my|our|a|your)|\b(the|your|an?) (e-?mail|"
    r"phone)( address| number)?( (of|for|please|pls|to reach)\b|\s*\??$)|\byour (number|"
    r"address|e-?mail|phone)\b|\bgive (me|us) (the|your|a|an) (number|phone|e-?mail|"
    r"contact)",
    r"\bhow (can|do|could|should|would) (i|we) (contact|reach|call|email|e-mail|phone|write to|"
    r"get hold of)|\b(contact|reach|call|email|phone) (you|someone|somebody|a person|the network|"
    r"the referent|the team|the coordinator|an advis|your team|your staff|anyone)\b",
    r"\bwho (can|should|do|could|shall|must|would) (i|we) (contact|call|talk|speak|write|email|"
    r"e-mail|reach|ask|turn|get in touch|go to)|\bwho to (contact|call|ask|talk|reach|write|"
    r"turn)|\bwho is (my|our|the) (referent|contact|coordinator|advis|local|regional|person "
    r"in charge)|\bwho are (my|our|the) (referent|contact|coordinator|advis)|\bwho can help (me|"
    r"us)",
    r"get in touch|put (me|us) in touch|in touch with|reach out|\bconnect (me|us) (with|to)",
    r"\b(names?|e-?mails?|phone numbers?|contact details) (and (names?|e-?mails?|phone numbers?|"
    r"titles?) )?of the (people|persons?|staff|coordinators?|referents?|directors?|contacts?)\b|"
    r"\bwho is (responsible|in charge) (for|of) (our|my|the|this) (region|department|area)\b",
    r"\b(my|our) (referent|advis[oe]r|coordinator|contact person|local contact)|"
    r"\bcontact (for|of|in|at|near|around)\b|\b(someone|somebody) (from|at|in) (the|your)",
    # Ukrainian and Russian-influenced
    r"поговорити (з|із|зі)|поспілкуватися (з|із|зі)|порозмовляти (з|із)|поговорить с|"
    r"пообщаться с",
    r"зв.?яза(тися|тись|тись|ться|тиcя)|зв.?язок (з|із) (вами|кимось|людиною|координатор|"
    r"консультант|представник|мережею|менеджер|фахівц|спеціаліст)|связаться|связатся|"
    r"сконтактуват|контактувати (з|із)",
    r"\b(з|із|зі) (людиною|живою людиною|кимось|консультант|менеджер|оператор|представник|"
    r"координатор|фахівц|спеціаліст|працівник)|\bс (человеком|живым человеком|кем-то|кем-нибудь|"
    r"менеджер|оператор|консультант|координатор|представител|специалист)",
    r"контактн\w* (дан|інформац|особ|телефон|номер|дані|информац|лиц)|контакт\w* (координатор|"
    r"мереж|представник|консультант|менеджер|в|у|для|з|по)\b|номер телефон|номер (координатор|"
    r"мереж|представник|менеджер)|телефон (координатор|мереж|представник|консультант|менеджер|"
    r"для|офіс)|електронн\w* (пошт|адрес)|імейл|емейл|e-?mail (координатор|мереж|представник)|"
    r"адрес\w* (пошти|почты|электронн|для листів)|\bпошт\w* (координатор|мереж|представник)",
    r"(з|до|к) (кого|кому) (з мереж\w* |у мережі |в мережі |з вас )?(можна |мені |нам |слід |треба "
    r"|варто |потрібно )?(звернутися|"
    r"звертатися|звернутись|зв.?язатися|обратиться|обращаться|писати|написати)|куди "
    r"(можна |мені |нам )?(звернутися|звертатися|звернутись|писати|дзвонити|телефонувати|"
    r"обратиться|писать|звонить)|кому (з (ваших |цих )?мереж\w* )?(можна |мені |нам )?"
    r"(написати|подзвонити|зателефонувати|"
    r"писати|дзвонити|звернутися|позвонить|написать)|хто (може|міг би|зможе|могла б) (мені|нам) "
    r"(допомогти|порадити|проконсультувати|відповісти)|\bхто (є |наш |мій )?(координатор|"
    r"консультант|куратор|представник)\w* (в|у|для|на|по)\b|кто (может|сможет) (мне|нам) (помочь|"
    r"подсказать)|хто (мій|наш|моя|наша) (координатор|консультант|представник|контакт|куратор)",
    r"\bконтакт\w* (людини|особи)|\b(з|із) (ким|якою|яким) (можна |мені |нам )?"
    r"(поговорити|обговорити|порадитися)|"
    r"\bхто (відповідає|опікується|займається) (за |нашим |нашою |цим )?(регіон|департамент|"
    r"область|мереж)",
    r"передзвон|перезвон|зателефонуйте (мені|нам)|подзвоніть (мені|нам)|позвоните (мне|нам)|"
    r"напишіть (мені|нам)|наберіть (мене|нас)|зв.?яжіться (зі мною|з нами)|свяжитесь со? (мной|"
    r"нами)",
    r"записатися на (консультац|зустріч|прийом|дзвінок)|запис на (консультац|зустріч|прийом)|"
    r"призначити (зустріч|дзвінок|консультац)|домовитися про (зустріч|дзвінок|консультац)|"
    r"(онлайн|особист)\w* (зустріч|консультац)|записаться на|назначить встречу|"
    r"жив(а|ою|ий|ого) людин|живой человек|живым человеком|реальн\w* людин",
    # Polish
    r"porozmawia(c|ć) z|pogada(c|ć) z|rozmow(a|e|ę|y) (z|telefoniczn)|rozmawia(c|ć) z",
    r"skontaktowa(c|ć)|kontakt (z|do|ze|w|dla|na)\b|kontaktu (z|do|ze)\b|dane kontaktowe|"
    r"danych kontaktowych|osob(a|ą|e|ę|y) (do )?kontaktow|numer (telefonu|tel|do|komórk|komork)|"
    r"adres (e-?mail|mailowy|poczty|email)|\b(e-?mail|mail|telefon) (do|dla)\b",
    r"\bz (kim|kimś|kims|człowiekiem|czlowiekiem|żywym|zywym|prawdziwym|doradc|konsultant|"
    r"koordynator|przedstawiciel|pracownik|opiekun)",
    r"do kogo (się |sie |mam |można |mozna |moge |mogę |mamy |możemy |mozemy |powinniśmy "
    r"|powinnismy |powinienem |powinnam |trzeba |należy |nalezy )?(się |sie )?"
    r"(zwrócić|zwrocic|zwracać|zwracac|napisać|napisac|dzwonić|dzwonic|zadzwonić|zadzwonic|"
    r"udać|udac|pisać|pisac|zgłosić|zglosic|zgłaszać|zglaszac)|kto (może|moze|mógłby|moglby) "
    r"(mi|nam) (pomóc|pomoc|doradzić|"
    r"doradzic|odpowiedzieć)|gdzie (się |sie )?(mogę |moge |można |mozna |mam )?"
    r"(zwrócić|zwrocic|dzwonić|dzwonic|zadzwonić|zadzwonic|napisać|napisac)|"
    r"\b(kto|kim) (jest )?(moim |naszym |mój |moj |nasz |nasza |moja )?(koordynator|doradc|"
    r"opiekun|konsultant)\w*( (w|we|dla|na)\b|\s*\??$)",
    r"oddzwoni|zadzwo(ń|n)(cie)? do (mnie|nas)|prosz(ę|e) o (kontakt|telefon|rozmow|spotkani)|"
    r"umówi(ć|c) (się|sie) (na|z)|umówi(ć|c) (spotkanie|rozmow|wizyt|konsultacj)|"
    r"\bumowic (sie|spotkanie)|spotkani\w* (z|online|osobist)|\b(daj|dajcie|podaj|podajcie|"
    r"poproszę|poprosze|proszę|prosze)( mi| nam)? (numer|kontakt|telefon|mail|e-mail|adres)|"
    r"\b(дайте|дай|надішліть|скиньте|дайте будь ласка)( мені| нам)? (номер|контакт|телефон|"
    r"пошту|e-?mail|імейл|адрес)|\bс кем (можно |мне |нам )?(поговорить|связаться|пообщаться)|"
    r"\bз ким (можна |мені |нам )?(поговорити|зв.?язатися|поспілкуватися|порозмовляти)",
)
# Words that name a person or a contact, which also appear in programme questions; they mean
# "contact" only in a request ("je voudrais un conseiller") or a very short message ("Kontakt"),
# and never when the message asks what that person does.
_PERSON_WORDS = _rx(
    r"rendez[- ]?vous|\bconseill(er|ere|ers|eres)\b|\b(un|des|le|les|vos|quels?) contacts?\b"
    r"(?! (entre|avec))|\b(le|la|un|une) (referent|coordinateur|coordinatrice|correspondant)e?s? "
    r"(de|du|pour|en|dans|sur|d')\b(?! (la commune|programme|rrma|inspire))",
    r"\badvis[oe]rs?\b|\bcoordinator\b|\bconsultant\b|\breferent\b|\bcontacts?\b",
    r"\bконтакт|координатор|консультант|консультаці(я|ю|ї)\b|зустріч\b|зустрічі з|менеджер|"
    r"куратор",
    r"\bkontakt\b|\bkontaktu\b|koordynator|konsultant|konsultacj(a|ę|e|i)\b|doradc|doradztw|"
    r"spotkanie\b|spotkania z|opiekun",
)
_REQUEST = _rx(
    r"\b(voudrais|voudrions|veux|voulons|souhaite|souhaiterais|souhaitons|aimerais|aimerions|"
    r"besoin|cherche|cherchons|recherche|avoir|obtenir|demande|trouver|svp|s'il vous plait|"
    r"pouvez-vous|pourriez-vous|want|would like|'d like|need|looking for|can i (have|get|see)|"
    r"could i|please|find|хочу|хочемо|хотів|хотіла|хотілося|потрібен|потрібна|потрібно|"
    r"потрібні|треба|шукаю|шукаємо|знайти|будь ласка|хочу|нужен|нужна|нужно|пожалуйста|"
    r"chcę|chce|chcemy|chciał|chcial|potrzebuj|szukam|szukamy|znaleźć|znalezc|poproszę|"
    r"poprosze|proszę|prosze)\b"
)
_ABOUT_ROLE = _rx(
    r"\b(que|qu'est-ce que|qu'est ce que|qu'est-ce qu'|ce que) (fait|font|fais|faire)\b|"
    r"\broles?\b|\bmissions?\b|\bfonctions?\b|a quoi (sert|servent)|c'est quoi|qu'est-ce qu|"
    r"qu'est ce qu|definition|\bdevenir\b|design(e|er|ation)|\bnomm(e|er|ination)|\belu(e|s)? "
    r"(comme|en tant que)|\bconsiste",
    r"what (does|do|is|are) (the|a|an)? ?(referent|advis|coordinator|contact person|consultant)|"
    r"\bbecome\b|responsibilit|\bdut(y|ies)\b|appointed|designated|what is an? ",
    r"\bроль\b|ролі|що (робить|роблять|таке|входить)|хто так(ий|а|і)|функці|обов.?язк|\bстати\b|"
    r"признача|что (делает|такое)|обязанност",
    r"\brol(a|ę|e|i)\b|czym (się |sie )?zajmuj|co robi|kto to (jest)?|co to (jest)?|obowiąz|"
    r"obowiaz|zadani|zosta(ć|c)|na czym polega",
)
# Elected councillors are not advisers ("les conseillers municipaux peuvent-ils adhérer ?").
_COUNCILLOR = _rx(
    r"conseill(er|ere)s? (municipa|regiona|departementa|communa|communautaire|d'etat|delegue)"
)
_WHERE = re.compile(
    r"^\s*(code postal|cp|c\.p\.|kod pocztowy|postcode|zip|поштовий індекс|индекс|"
    r"departement|département|dept|dpt|dép|dep|je suis (dans le|à|a|au|en)|"
    r"nous sommes (dans le|à|a|au|en)|on est (dans le|à|a|au|en)|dans le)?\s*:?\s*"
    r"(\d{5}|\d{2}\s\d{3}|2[ab]\s?\d{3}|\d{2}|2[ab]|97\d)\s*[.!]?\s*$",
    re.IGNORECASE,
)
_CONTACT_IN = _rx(
    r"^(contacts?|referente?s?|référente?s?|conseill\w*|coordinat\w*|interlocut\w*|correspondant\w*|"
    r"contact (in|a|à|en|dans|pour|for|at)|kontakt\w*|контакт\w*|координатор\w*|koordynator\w*|"
    r"doradc\w*)\b|^(phone|telephone|tel|e-?mail|mail|courriel|numero|телефон|номер|пошта|"
    r"telefon|numer)\s*\??$"
)
# Money for the user's own project.
_FUNDING = _rx(
    # French
    r"\b(quel(le)?s?|des|les|y a-t-il des|y a t il des|y a t'il des|ya t il des|il y a des|"
    r"existe-t-il des|existe t il des|il existe des|connaissez-vous des|connaissez vous des|"
    r"trouver des|trouver une|trouver un|chercher des|cherche des|cherchons des|recherche des|"
    r"recherchons des|obtenir des|obtenir une|obtenir un|demander des|demander une|demander un|"
    r"toucher des|beneficier d(e|es|')|avoir des|avoir une|avoir un) ?(aides?|subventions?|"
    r"subs|financements?|fonds|dotations?|bourses?|appels? a projets?|aap|credits|"
    r"aides? financieres?|sous)\b",
    r"\baides (pour|a|au|aux|de|d')\b|\baide (financiere|europeenne|publique|de l'etat|de la "
    r"region|regionale|departementale|de l'europe|de l'ue|de l'agence)|\bune aide pour "
    r"(financer|notre|mon|nos|mes|la|le|un|une|les|renover|construire|acheter|organiser)|"
    r"\bsubventions? (pour|de|d'|europeen|regional|afin)|\bfinancements? (pour|europeens?|de "
    r"l'ue|ue\b|de mon|de notre|d'un|d'une|du projet|de projet|possibles?|disponibles?|afin)|"
    r"\bfonds (europeens?|pour|feder|ue|structurels)|\bdotations? pour|\bbourses? pour|"
    r"\bsubvention|\bgrants\b|\b(a|any) grant\b|\bгрант|\bсубсид",
    r"\b(comment|ou|pour|afin de) (financer|trouver (des|un|du|une) (financement|fonds|argent|"
    r"subvention|aide)|obtenir (des|une|un|du) (financement|subvention|aide|fonds|argent))|"
    r"\bfinancer (mon|notre|nos|un|une|le|la|les|ce|cette|ces|des|l'|mes)|faire financer|"
    r"\bcofinancer (mon|notre|nos|un|une|ce|cette|le|la|mes) (projet|action|initiative|"
    r"renovation|echange)|besoin (d'argent|de financement|de fonds|de subvention|d'une "
    r"subvention|d'un financement|de sous)|\b(cherche|cherchons|recherche|recherchons) (du|des|"
    r"un|une) (financement|fonds|argent|subvention)|\bappels? (a|d') ?projets?|\bappels? "
    r"d'offres?|\baap\b|\bappels? ouverts?|\bappel en cours|de l'argent pour|"
    r"\b(cherche|cherchons|recherche|recherchons|besoin) (de |d')?(du |des |un |une )?"
    r"(financement|fonds|subvention|aide financiere)|^(funding|financements?|aides|subventions|"
    r"grants|dotacje|granty|dofinansowanie|фінансування|гранти)\s*\??$",
    # how much money one's own project can get ("combien pouvez-vous nous financer ?")
    r"\bcombien (d'argent |de financement |de subventions? )?(pouvez-vous|pourriez-vous|peut-on|"
    r"pourrait-on|pouvons-nous|on peut|on pourrait|allons-nous) (nous |me )?(financer|obtenir|"
    r"toucher|demander|avoir|recevoir|verser|donner|accorder|allouer)\b(?! d(e |')(?!argent|"
    r"financement|subvention|aide|fonds))|"
    r"\bhow much (money |funding |support )?(can|could|would|will)"
    r" (we|i|you) (get|ask for|apply for|receive|request|claim|give us|pay us|fund us)\b|"
    r"\bile (pieniędzy |pieniedzy |środków |srodkow |kasy )?(możemy|mozemy|można|mozna|"
    r"dostaniemy|moglibyśmy|moglibysmy) (dostać|dostac|otrzymać|otrzymac|uzyskać|uzyskac)"
    r"(?=\s*([?!.]|$|na\b|dla\b|z\b))|"
    r"скільки (грошей|коштів) (ми )?(можемо|можна|зможемо) (отримати|попросити|запросити)|"
    r"скільки (ми )?(можемо|можна|зможемо) (отримати|попросити|запросити)\s*[?!.]*$",
    # English
    r"\bfunding (for|to|available|opportunit|sources?|options?|possibilit|programs?|programmes?|"
    r"schemes?|streams?)|"
    r"\bfunds? (for|to) (our|my|a|an|the|this|renovat|build|repair|rebuild|buy|organi[sz]e|"
    r"support)|\bgrants? (for|to|available|that|we|our)|\bany (grants?|funding|subsid|financial"
    r" (support|help|aid)|funds)|\b(what|which) (grants?|funding|funds|subsid|financial "
    r"(support|aid|help))|\bsubsid(y|ies) (for|to)|\bfinancial (support|help|aid|assistance) "
    r"(for|to|with)|\b(fund|finance|pay for|co-?fund|co-?finance) (our|my|a|an|the|this) "
    r"(project|initiative|renovation|exchange|school|partnership|twinning|trip|visit|event|"
    r"festival|programme for)|\bhow (can|do|could|to|should|would) (we|i)? ?(fund|finance|get "
    r"(funding|money|a grant|grants|funds)|pay for)\b|\bget (funding|a grant|grants|money|funds)"
    r" (for|to)|\bmoney (for|to)\b|\bwhere (can|do|could|to|should) (we|i)? ?(find|get|look "
    r"for|apply for) (funding|money|grants?|funds)|\blooking for (funding|grants?|money|financ|"
    r"funds)|\bcalls? for (proposals|projects|applications)|\bopen (eu |european )?calls?|"
    r"\b(eu|european) (funds?|funding|grants?|calls?)|\bwhat (money|funding|grants?) "
    r"(is|are|would be|might be) (there|available)|\b(money|funding) available (for|to)",
    # Ukrainian and Russian-influenced
    r"фінансуванн\w* (для|на|проєкт|проект|нашого|нашої|нашим|мого|моєї|ремонт|відбудов|громад|"
    r"школ|обмін)|\bгрант\w* (на|для)|\bгранти\b|\bгрантів\b|які (є )?(гранти|можливості "
    r"фінансування|програми фінансування|джерела фінансування|фонди|конкурси)|де (знайти|взяти|"
    r"отримати|шукати) (гроші|кошти|фінансування|грант|фонд)|(отримати|знайти|залучити|шукаємо|"
    r"шукаю|потрібн\w*) (фінансування|грант|кошти|гроші)|\bкошт(и|ів) (на|для)\b|\bгроші (на|"
    r"для)\b|профінансувати|фінансов\w* (підтримк|допомог)\w* (для|на)|\bдотаці|\bсубсиді|"
    r"відкрит\w* конкурс|конкурс\w* (єс|ес|для|на)|дофінансуван|финансировани\w* (для|на)|"
    r"\bгранты\b|где (найти|взять) (деньги|финансирование|грант)|\bденьги на|"
    r"профинансировать|\bсубсиди|\b(дадуть|дасте|дають|дали б) (гроші|грошей|кошти|коштів)",
    # Polish
    r"\bdofinansowa|\bdotacj|\bsfinansuj\w*|\bprofinansuj\w*|"
    r"\bwsparci\w* finansow\w* (na|dla|możemy|mozemy|można|mozna)|"
    r"\bdotacyj|\bgrant(y|ów|ow|u|a)?\b|\bfundusz\w* (na|dla|unijn|"
    r"europejsk|ue|zewnętrzn|zewnetrzn)|\b(ś|s)rodk\w* (na|z ue|unijn|europejsk|zewnętrzn|"
    r"zewnetrzn)|\bfinansowani\w* (na|dla|projektu|naszego|naszej|mojego|remontu|odbudowy|"
    r"wymiany|szkoły|szkoly|inwestycji)|\b(jak|gdzie|skąd|skad) (sfinansowa|zdoby|pozyska|"
    r"znale|wzi|uzyska|otrzyma|dosta)\w* (pieniądze|pieniadze|pieniędzy|pieniedzy|środki|srodki|"
    r"finansowanie|dofinansowanie|fundusze|grant|dotacj|kas[eęy])|\bkas[aeęy] na\b|"
    r"\bsfinansowa|\bnab(ó|o)r(y|ów|ow)?\b|"
    r"\bkonkurs\w* (ue|unijn|dla|na|grantow)|otwarte konkursy|\bjakie (są )?(dotacje|granty|"
    r"fundusze|dofinansowania|środki|srodki)|\bpieni(ą|a|ę|e)dz\w* (na|dla)\b|wsparci\w* "
    r"finansow\w* (na|dla)",
)
# The programme itself (how it is funded, its co-financing rate): a programme question.
_PROGRAMME_FUNDING = _rx(
    r"inspire|daect|\bmeae\b|turnkey|cles en main|pod klucz|під ключ|ministere|ministry|"
    r"міністерств|министерств|ministerstw|\brrma\b|"
    r"cites unies|\bcuf\b|amorcer|renforcer|cofinanc|co-?financ|\btaux\b|\brate\b|співфінанс|"
    r"софинанс|współfinans|wspolfinans|adhesion|adherer|adherent|membership|\bjoin(s|ing|ed)?\b",
    r"\b(le|du|au|ce|cet|ces|les|aux) programmes?\b|\b(the|this) programme\b|\b(the|this) "
    r"program\b|(?<!funding )(?<!grant )\bprogram(a|i|u|ie|ą)?\b"
    r"(?! (finansowania|dotacji|grantow|grantowy|unijn))|"
    r"програм(а|и|і|у|ою|ой)\b(?! (фінансування|финансирования|єс|ес|eu|грантів|грантов))",
    r"\b(est|sont|etait|seront|sera) (il |elle )?(finance|cofinance|subventionne)|"
    r"\b(is|are|was) (it |the programme |the program )?(funded|financed|co-?funded|paid)|"
    r"\bwho (funds|finances|pays)|\bqui (finance|paie|paye)|фінансуєт|финансируетс|"
    r"finansowan(y|a|e) (jest|przez)|(jest|są|sa) finansowan|\bkto finansuje",
    r"\b(le|les|du|des|au|aux|ce|ces|votre|vos|nos|notre) reseaux?\b(?! (d'|de |du |des ))|"
    r"\b(the|your) networks?\b|\bмереж(а|і|у|ею)\b|\bsie(ć|c|ci)\b",
    # the programme's own rules and help, not money for a project: a ceiling per authority,
    # being helped to look for EU funds
    r"\bmaximum (grant|amount|funding)\b|\bile procent|\bjaki procent|\bpokrywa\w*|"
    r"\bquel pourcentage|\bquelle part\b|"
    r"\bwhat (percentage|share)\b|\bскільки відсотк|\bякий відсоток|"
    r"\bbez (udzialu |udziału )?francusk|\bwithout (a |any )?french (partner|authorit|town|"
    r"municipalit)|\bsans (partenaire |collectivite )?francais|\bбез французьк|"
    r"\bplafond|par (commune|collectivite|ville)\b|\b(montant|somme) (maximum|maximal|max)\b|"
    r"\bqu'une (commune|collectivite|ville) (peut|pourrait) (toucher|obtenir|recevoir)|"
    r"na (jedn(a|ą) )?(gmin(e|ę)|samorz(a|ą)d)\b|"
    r"\b(aides?|aider|aidee?s?|accompagnee?s?) (a|pour) (aller )?(chercher|trouver|mobiliser|"
    r"obtenir|monter)|\bhelp(s|ing)? (us |with |to )*(find|get|look for|apply for|access|"
    r"mobili[sz]e|secure) (eu |european )?(funds|funding|grants)|\b(expert|consultan\w*|advi[sc]e "
    r"us|advis\w* (us|on)) .{0,40}\b(eu|european) (funds|funding|grants)|pomaga\w* (w|przy) "
    r"(zdobywaniu|pozyskiwaniu|szukaniu)",
)
_CONNECTOR = _rx(
    r"^(et|mais|sinon|aussi|alors|donc|puis|pareil|idem|meme (chose|question)|egalement|"
    r"and|but|also|so|then|what about|how about|what if|same (for|question|thing)|"
    r"а|і|й|та|також|ще|теж|и|тоже|также|"
    # Latin "a" and "i" are Polish connectors only before Polish words ("a dla Mołdawii?",
    # "i kiedy?"), not French "à quoi…", English "I want…" or "a question…"
    r"(a|i) (?=(co|jak|ile|kiedy|gdzie|czy|dla|w|we|na|to|ten|ta|te|jeśli|jesli|jeżeli|jezeli|"
    r"kto|dlaczego|czemu|po|od|do|z|ze|o|jaki|jakie|jaka|jakich|małe|male|mała|mala|gminy|"
    r"jeszcze|potem|później|pozniej|cały|caly|cała|cala|całe|cale|całość|calosc)\b)|oraz|ale|to|też|tez|również|rowniez|"
    r"(pour|for|для|dla|w|в|у|en|in) (la|le|les|l'|the|a|an)?)\b"
)
# The start of a question that defines its own topic ("what is RRMA?"): not elliptic.
_DEFINITION = _rx(
    r"^(c'est quoi|c quoi|cest quoi|qu'est-ce que|qu'est ce que|qu'est-ce qu'|qu'est ce qu'|"
    r"que (veut dire|signifie)|what is|what's|what are|whats|what does|що таке|що це таке|що "
    r"означає|что такое|что значит|co to jest|co to|czym jest|czym są|czym sa|co oznacza) "
    r"(.+)"  # the last group: the defined term (fold would lower-case a named group)
)
_IDIOMS = _rx(
    r"\b(est-ce que|est ce que|qu'est-ce que|qu'est ce que|qu'est-ce qu'|il y a|y a-t-il|"
    r"y a t il|y a t'il|ya t il|y'a|is there|are there|there is|there are|faut-il|s'agit-il)\b"
)
_ANAPHORA = _rx(
    r"\b(ca|cela|ceci|ce|celle|celui|celles|ceux|il|elle|ils|elles|y|en|lui|leur|leurs|dessus|"
    r"la-bas|labas|pareil|it|its|this|that|they|them|those|these|such|one|ones|there|"
    r"це|цього|цьому|цим|цей|ця|ці|там|воно|вони|їх|них|неї|нього|ним|така|такий|такі|"
    r"это|этого|этом|оно|они|их|"
    r"to|tego|tym|ten|tam|oni|one|ich|nich|tych|takie|taki)\b|\bc'"
)
_PROGRAMME_WORDS = _rx(
    r"inspire|\brrma\b|amorcer|renforcer|daect|\bmeae\b|cites unies|\bcuf\b|programme|"
    r"\bprogram|програм|lettre d'engagement|letter of engagement|jumelage|twinning|"
    r"tchernihiv|chernihiv|чернігів|czernihow|lugano|лугано|adhe|adhér|rejoindre|integrer|"
    r"\bjoin|eligib|éligib|particip|участь|участі|долуч|приєдн|przystąp|przystap|uczestn|"
    r"udział|udzial|dołącz|dolacz|membership|letter|lettre|заявк|wniosek|wniosk|zgłosz|zglosz|"
    r"candidat|application|\bapply|harmonogram|calendrier|calendar|графік|deadline|дедлайн|"
    r"\btermin|date limite"
)
_ARTICLES = frozenset(("le", "la", "les", "l", "un", "une", "a", "an", "the"))
_DEMONSTRATIVES = frozenset(
    "that this these those ce cet cette ces цей ця ці той та ті ten ta te tego tej tych".split()
)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'"})
_LEADING_WORD = re.compile(r"^\s*([^\W_]+(?:'[^\W_]+)?)[\s,!.;:…\-—]*")


def _norm(text: str) -> str:
    """Folded text with one kind of apostrophe and single spaces."""
    return " ".join(fold(text).translate(_APOSTROPHES).split())


def words(text: str) -> list[str]:
    return _WORD.findall(_norm(text))


_HOW_ARE_YOU = _rx(
    r"\b((comment )?(ca|tu|vous) va(s|z)?|comment allez-vous|comment allez vous|how are (you|u)|"
    r"how's it going|hows it going|how do you do|як справи|як ся маєш|как дела|"
    r"jak si(e|ę) (masz|macie|pan ma|pani ma)|co s(ł|l)ychać|co slychac|jak leci)\b"
)


def _strict_smalltalk(text: str) -> bool:
    """Only greetings, thanks, acknowledgements, farewells and their fillers (or emoji)."""
    tokens = words(text)
    if not tokens:  # "👍", "🙏", ":)", but not "?" or a number
        stripped = text.strip()
        return bool(stripped) and not any(c.isdigit() or c == "?" for c in stripped)
    folded = _norm(text)
    if len(tokens) <= 6 and _HOW_ARE_YOU.search(folded):  # "salut, ça va ?", "як справи?"
        return all(t in _SMALLTALK_WORDS for t in _WORD.findall(_HOW_ARE_YOU.sub(" ", folded)))
    return (
        len(tokens) <= 10
        and all(t in _SMALLTALK_WORDS for t in tokens)
        and (any(t in _CORE_SMALLTALK for t in tokens) or bool(_SMALLTALK_PHRASES.search(folded)))
    )


def _thanks_statement(text: str) -> bool:
    """A short message of thanks or agreement that asks for nothing ("super, merci, je
    transmets au maire")."""
    tokens = words(text)
    return (
        "?" not in text
        and 0 < len(tokens) <= 14
        and any(t in _THANKS or t in _FAREWELLS for t in tokens)
        and not _ASKING.search(_norm(text))
    )


def is_smalltalk(text: str) -> bool:
    """Only greetings, thanks or acknowledgements (and emoji): nothing to answer. A short
    message of thanks without a question counts too ("super, merci c'est très clair")."""
    if _strict_smalltalk(text):
        return True
    folded = _norm(text)
    if is_injection(text) or _wants_person(folded) or _wants_funding(folded):
        return False
    return _thanks_statement(text)


def is_injection(text: str) -> bool:
    """An attempt to make the bot leave its role or reveal its setup."""
    return bool(_INJECTION.search(_norm(text)))


# Plainly outside the programme, whatever words come with it.
_OFF_TOPIC = _rx(
    r"\brecettes? (de|d'|pour|du|des)\b(?! (la commune|fonctionnement|investissement))|"
    r"\brecipes?\b|\bmeteo\b|\bweather (forecast|tomorrow|today|this)|"
    r"declaration d'impots?|impots? sur le revenu|\btax return|\bincome tax",
    r"\bрецепт|прогноз погоди|\bпогода (на|завтра|сьогодні)|податков\w* декларац",
    r"\bprzepis\w* na (ciast|pierog|zup|obiad|bigos|sernik|danie)|\bprzepis kulinar|"
    r"\bpogod(a|y|ę|e) (na|jutro|dzis|dziś)|prognoz\w* pogod|\bpit\b|zeznani\w* podatkow",
)
# Off-topic too, but only when nothing in the message is about the programme: "le taux de
# change de la subvention", "des étudiants Erasmus dans notre délégation" are questions.
_OFF_TOPIC_ALONE = _rx(
    r"\bquel temps (fait|fera|va|il fait|va-t-il|demain|aujourd'hui|ce (week-?end|matin|soir))|"
    r"\b(faire|fera|fait) quel temps|\bva faire (beau|chaud|froid)|\btaxe fonciere|"
    r"\btaxe d'habitation|\bproperty tax|\baides? (de la )?pac\b|\bfarm subsid|"
    r"\b(agricultural|farm) (subsid|payment)|\b(european|presidential|parliamentary|general) "
    r"elections?|\belections? (europeennes|presidentielles?|legislatives|to the european)|"
    r"\berasmus\b.{0,30}\b(etudiants?|students?|studentow|studenci|studia|semest\w*)\b|"
    r"\b(etudiants?|students?|studentow|studenci)\b.{0,30}\berasmus\b|"
    r"\btaux de change|\bcours (du|de l') ?(dollar|euro|bitcoin|hryvnia|zloty|leu)|"
    r"\bexchange rate|\b(dollar|euro|hryvnia|zloty) (exchange )?rate\b|"
    # asked to write a poem, a song or a joke; one's own identity papers
    r"^((tu peux|vous pouvez|pouvez-vous|peux-tu|can you|could you|please) )?(m'|me |nous )?"
    r"(ecri\w*|compose\w*|write|tell|raconte\w*)[ -](moi |me |m'|us |nous )?(une |un |a |an |des "
    r"|some )?(petite? |short |little |funny )?(poemes?|poems?|chansons?|blagues?|songs?|jokes?)\b|"
    r"\b(renouveler|refaire|renew|replace) (mon|ma|my|son|sa|his|her) (passeport|passport|"
    r"carte d'identite|permis|driving licen[cs]e|id card)",
    r"\bкурс (гривн|долар|євро|евро|злот)|обмін\w* валют|податок на (нерухом|землю)|"
    r"субсиді\w* (на|для) (комуналк|комунальн|оплат\w* (житл|комунал))|"
    r"(еразмус|erasmus).{0,30}студент|студент\w*.{0,30}(еразмус|erasmus)|"
    r"^(напиш|розкаж|склад)\w* (мені |нам )?(\w+ )?(вірш|пісн|жарт|анекдот|казк)|"
    r"\b(продовж|оформ|поміня|замін)\w* (мій |свій )?(закордонн\w* )?паспорт",
    r"\bkurs (euro|dolara|złotego|zlotego|hrywny|walut)|podat\w* od nieruchomo|"
    r"\bwybor\w* (do parlamentu|prezydenck|parlamentarn|europejsk)|\bdop(ł|l)at\w* "
    r"(bezpośredni|bezposredni|roln)|\bgospodarstw\w* roln|"
    r"^(napisz|opowiedz|ułóż|uloz)\w* (mi |nam )?(\w+ )?(wiersz|piosenk|zart|żart|dowcip|kawal|"
    r"bajk)|\b(wyrobi|odnowi|wymieni)\w* (nowy |moj |mój )?(dowod|dowód|paszport|prawo jazdy)",
)
# Words that tie a message to the programme or its money, whatever else it mentions.
_ABOUT_PROGRAMME = _rx(
    r"subvention|daect|\bmeae\b|cofinanc|co-?fund|delegat|delegac|делегац|jumel|twin|partenai|"
    r"partner|партнер|побратим|calendrier|calendar|графік|harmonogram|budget|бюджет|budżet|"
    r"budzet|\baction|\bdziała|\bdziala|заход|inspire|brochure|broszur|брошур|\bprogram|програм|"
    r"\brrma\b|referent|референт|adhe|rejoindre|\bjoin(s|ing|ed)?\b|particip|участ|udzia"
)


def _off_topic(folded: str) -> bool:
    if _OFF_TOPIC.search(folded):
        return True
    return not _ABOUT_PROGRAMME.search(folded) and bool(_OFF_TOPIC_ALONE.search(folded))


def _wants_person(folded: str) -> bool:
    if _WHERE.match(folded) or _PERSON.search(folded):
        return True
    if _ABOUT_ROLE.search(folded) or _COUNCILLOR.search(folded):
        return False
    if _CONTACT_IN.match(folded) and not _INTERROGATIVE_RX.search(folded):
        return True  # "contact in Charente", "référent Occitanie", "Kontakt"
    short = len(_WORD.findall(folded)) <= 3
    return bool(_PERSON_WORDS.search(folded)) and (short or bool(_REQUEST.search(folded)))


# Other money than the programme's, asked outright ("sinon quels autres financements ?").
_OTHER_FUNDING = _rx(
    r"\b(quel(le)?s?|des|d') ?autres? (financements?|aides|subventions|fonds|sources de "
    r"financement)|\b(any|what|which|are there) (other|alternative) (funding|grants|funds|"
    r"financ\w*|sources of funding)|\bother (funding|grants|funds) (for|to|available|exist\w*|"
    r"out there|could|we)\b|"
    r"\b(inne|innych) (źródła|zrodla|źródeł|zrodel|fundusze|funduszy|dotacje|dotacji|granty)|"
    r"\b(інші|інших) (джерела|джерел|гранти|грантів|фонди|фондів|програми фінансування)"
)


# …after the programme was set aside: "sinon", "if not", "apart from INSPIRE"
_CONTRAST = _rx(
    r"\b(sinon|a part|en dehors d|autre que|hors)\b|\b(otherwise|if not|besides|apart from|other "
    r"than|outside)\b|\b(jeśli nie|jesli nie|poza|oprócz|oprocz|inaczej)\b|\b(якщо ні|крім|окрім|"
    r"інакше)\b"
)


def _wants_funding(folded: str) -> bool:
    if _OTHER_FUNDING.search(folded) and _CONTRAST.search(folded):
        return True
    return bool(_FUNDING.search(folded)) and not _PROGRAMME_FUNDING.search(folded)


# Asking who or what answers ("vous êtes un robot ?", "who am I talking to?"): small talk, when
# nothing else is asked ("who are you working with in Ukraine?" is a question).
_ABOUT_ME = _rx(
    r"\b(es-tu|etes-vous|vous etes|tu es|t'es|c'est) (un |une )?(robot|bot|chatbot|humain|ia|"
    r"intelligence artificielle|vraie personne|personne reelle|machine)( qui (repond|ecrit))?|"
    r"\bqui (es-tu|etes-vous)|\ba qui (je parle|ai-je affaire)|\bare you (a |an )?(robot|bot|"
    r"chatbot|human|real person|person|ai|machine)|\bwho (am i talking to|am i speaking (to|with)|"
    r"are you)",
    r"\b(ти|ви) (бот|робот|людина|жива людина|штучний інтелект)|\bз ким я (розмовляю|говорю|"
    r"спілкуюся)|\bхто (ти|ви)( такі| така| такий)?",
    r"\b(jesteś|jestes|jest pan|jest pani) (botem|robotem|człowiekiem|czlowiekiem|ai|sztuczn\w*)|"
    r"\bczy (to )?(bot|robot)|\bz kim (rozmawiam|piszę|pisze)|\bkim (jesteś|jestes)",
)
# what may stand around it: "ou une vraie personne ?", "hello there"
_ABOUT_ME_ALSO = frozenset(
    "ou or чи czy albo un une a an vraie real true actual personne person human humain людина "
    "жива człowiekiem czlowiekiem osoba there ici here".split()
)


def asks_who_answers(text: str) -> bool:
    """Small talk about the assistant itself: "are you a robot?", "who am I talking to?"."""
    folded = _norm(text)
    match = _ABOUT_ME.search(folded)
    if match is None:
        return False
    rest = _WORD.findall(f"{folded[: match.start()]} {folded[match.end() :]}")
    return all(w in _SMALLTALK_WORDS or w in _ABOUT_ME_ALSO for w in rest)


def classify(text: str) -> Intent:
    """The intent of one message (see the module docstring)."""
    folded = _norm(text)
    if _strict_smalltalk(text):
        return "smalltalk"
    if is_injection(text):
        return "injection"
    if _off_topic(folded):
        return "off_topic"
    if asks_who_answers(text):
        return "smalltalk"
    if _wants_person(folded):
        return "contact"
    if _wants_funding(folded):
        return "funding"
    if _thanks_statement(text):
        return "smalltalk"
    return "question"


def _without_leading_smalltalk(folded: str) -> str:
    """``merci ! et pour la moldavie ?`` → ``et pour la moldavie ?``."""
    rest, core = folded, False
    while True:
        match = _LEADING_WORD.match(rest)
        if match is None or match.group(1) not in _SMALLTALK_WORDS or match.end() >= len(rest):
            break
        core = core or match.group(1) in _CORE_SMALLTALK
        rest = rest[match.end() :]
    return rest if core else folded


def is_follow_up(text: str) -> bool:
    """An elliptic message that only makes sense after the previous question."""
    folded = _without_leading_smalltalk(_norm(text)).strip()
    tokens = _WORD.findall(folded)
    if not tokens or len(tokens) > 12:
        return False
    starts_with_a_grave = text.lstrip().translate(_APOSTROPHES).split("'")[0][:1] in ("à", "À")
    # "et combien ?"; longer when it points back: "et ça nous coûte combien, on est aidés…"
    points_back = len(tokens) <= 8 or bool(_ANAPHORA.search(_IDIOMS.sub(" ", folded)))
    if _CONNECTOR.match(folded) and not starts_with_a_grave and points_back:
        return True
    definition = _DEFINITION.match(folded)
    if definition is not None:
        named = _WORD.findall(definition.groups()[-1])
        term = [w for w in named if not _ANAPHORA.fullmatch(w)]
        if len(named) >= 2 and named[0] in _DEMONSTRATIVES and not _PROGRAMME_WORDS.search(folded):
            return True  # points back: "what does that goal say?"; "what is RRMA?" does not
        if [w for w in term if w not in _ARTICLES]:
            return False
    if len(tokens) <= 5 and _ANAPHORA.search(_IDIOMS.sub(" ", folded)):
        return True  # "comment y adhérer ?", "is it free?", "ile to kosztuje?"
    if len(tokens) >= 2 and _PROGRAMME_WORDS.search(folded):
        return False  # "qui peut adhérer ?", "what is RRMA?": the topic is named
    return len(tokens) <= 3  # "combien ?", "скільки відсотків?", "Moldova?"


# What a follow-up to a contact request asks about that contact ("et son mail ?", "phone?").
_CONTACT_DETAIL = _rx(
    r"\b(e-?mail|mail|courriel|telephone|tel|phone|numero|number|adresse|address|site|website|"
    r"joindre|appeler|call|reach|contacts?|referente?s?|interlocut\w*|responsable)\b",
    r"пошт|телефон|номер|адрес|сайт|контакт|референт|подзвон",
    r"\b(telefon\w*|numer\w*|adres\w*|stron\w*|kontakt\w*|zadzwoni\w*|opiekun\w*)\b",
)


def stays_on_contact(text: str) -> bool:
    """After a contact request, whether a follow-up still asks for a contact ("et son mail ?",
    "and who else?") rather than something else ("et il faut signer quelque chose ?")."""
    folded = _without_leading_smalltalk(_norm(text)).strip()
    if _CONTACT_DETAIL.search(folded):
        return True
    return len(_WORD.findall(folded)) <= 3 and not _PROGRAMME_WORDS.search(folded)


# A follow-up that asks for something other than what it just got ("and the other level?").
_ANOTHER = _rx(
    r"\b(autres?|other|another|second|deuxieme|seconde?)\b",
    r"\b(інш\w*|друг\w*|другой|другая|другое)\b",
    r"\b(drug[aiey]e?|inn[aey]|inny|innego|innej)\b",
)


def asks_for_another(text: str) -> bool:
    """``et l'autre ?``, ``and the other level?``, ``а інший?``, ``a to drugie?``."""
    return bool(_ANOTHER.search(_norm(text)))


def strip_greeting(text: str) -> str:
    """``Bonjour, comment rejoindre INSPIRE ?`` → ``comment rejoindre INSPIRE ?``."""
    parts = re.split(r"(?<=[,!.:;])\s+", text.strip(), maxsplit=1)
    if len(parts) == 2 and _strict_smalltalk(parts[0]):
        return parts[1]
    return text
