"""What the bot says around the answers, in French (default), English and Ukrainian.

Values are Telegram-HTML: ``<b>`` and ``<a>`` only, with ``{placeholders}`` filled in by the
caller (already escaped). Polish and other languages fall back to English for the interface;
answers themselves follow the language of the question.
"""

from __future__ import annotations

UI_LANGUAGES = ("fr", "en", "uk")
FALLBACK = {"pl": "en"}

TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "welcome": (
            "Bonjour ! Je suis l'assistant du programme <b>INSPIRE</b> (coopération décentralisée "
            "pour la paix en Europe).\n\n"
            "Je réponds aux questions sur le programme — comment le rejoindre, quelles actions "
            "sont éligibles, le cofinancement — en citant mes sources, et je vous aide à trouver "
            "des appels à projets.\n\n"
            "Je ne connais que les documents du programme : quand je ne sais pas, je le dis et "
            "je vous oriente vers le référent de votre réseau régional."
        ),
        "help": (
            "<b>Comment m'utiliser</b>\n"
            "• Écrivez simplement votre question, en français, anglais, ukrainien ou polonais.\n"
            "• Chaque réponse cite ses sources [1], [2]… : touchez « Sources » pour les voir.\n"
            "• /financements : trouver des appels à projets pour votre projet ; /alertes : vos "
            "rappels de date limite.\n"
            "• /referent : joindre une personne de votre réseau régional.\n"
            "• /lang : changer de langue. /privacy : vos données."
        ),
        "privacy": (
            "<b>Vos données</b>\n"
            "• Vos questions servent à vous répondre ; elles ne sont ni conservées ni "
            "transmises à un service extérieur.\n"
            "• Si vous touchez 👍 ou 👎, la question, la réponse et votre avis sont conservés "
            "{months} mois, sans votre identifiant, pour améliorer l'assistant : rien ne les "
            "relie à vous, ils s'effacent d'eux-mêmes.\n"
            "• Si vous touchez « 🔔 Me le rappeler », nous gardons votre conversation, l'appel et "
            "la description de votre projet jusqu'à ce que vous retiriez l'alerte (/alertes) ou "
            "bloquiez le bot.\n"
            "• Si vous bloquez le bot, nous notons seulement une empreinte chiffrée de la "
            "conversation pour ne plus vous écrire ; elle disparaît dès que vous nous écrivez "
            "à nouveau.\n"
            "• /forget efface à tout moment ce qui vous concerne. Pour toute question sur vos "
            "données, écrivez au référent de votre réseau régional."
        ),
        "about": (
            "<b>Le programme INSPIRE</b> (Intensify Networking to Strengthen Peacebuilding "
            "Institutions and Relations in Europe) rassemble des collectivités françaises et "
            "européennes engagées pour la paix et le soutien aux populations touchées par la "
            "guerre en Ukraine. Il est porté par Lianes Coopération, Pays de la Loire Coopération "
            "Internationale et SO Coopération, avec le ministère de l'Europe et des Affaires "
            "étrangères.\n\nPosez-moi une question pour en savoir plus."
        ),
        "menu_ask": "❓ Poser une question",
        "menu_funding": "💶 Trouver un financement",
        "menu_referent": "🤝 Contacter mon référent",
        "menu_about": "ℹ️ Le programme",
        "ask_prompt": "Écrivez votre question dans un message, par exemple : « Quelles actions "
        "sont cofinancées ? »",
        "funding_prompt": "Décrivez votre projet en un message (qui, avec quel partenaire, pour "
        "faire quoi) : je chercherai les appels à projets qui lui correspondent. /cancel pour "
        "abandonner.",
        "authority_question": "Quel type de structure porte le projet ?",
        "partner_question": "Dans quel pays est votre partenaire ?",
        "skip": "Passer ⏭",
        "auth_commune": "Commune",
        "auth_intercommunalite": "Intercommunalité",
        "auth_departement": "Département",
        "auth_region": "Région",
        "auth_association": "Association",
        "partner_UA": "🇺🇦 Ukraine",
        "partner_MD": "🇲🇩 Moldavie",
        "partner_PL": "🇵🇱 Pologne",
        "partner_RO": "🇷🇴 Roumanie",
        "partner_EU": "🇪🇺 Autre pays de l'UE",
        "cards_intro": "Les appels qui correspondent le mieux à votre projet :",
        "cards_none": "Je n'ai pas trouvé d'appel correspondant à ce projet dans ma base. Le "
        "référent de votre réseau régional pourra vous conseiller.",
        "cancelled": "C'est annulé. Posez-moi une question quand vous voulez.",
        "status_open": "🟢 Ouvert",
        "status_forthcoming": "🟡 Bientôt ouvert",
        "status_closed": "⚪ Clôturé",
        "deadline_line": "📅 Date limite : {date} ({days})",
        "days_left": "dans {n} jours",
        "today": "aujourd'hui",
        "expected": "🔮 Prochaine édition — prévision, pas une information confirmée : {text}",
        "amount_line": "💶 Montant : {text}",
        "rate_line": "🤝 Cofinancement : {text}",
        "checked_line": "vérifié le {date}",
        "button_remind": "🔔 Me le rappeler",
        "button_remove": "❌ Retirer",
        "remind_ok": "🔔 C'est noté : je vous préviendrai 30, 7 et 1 jours avant la date limite. "
        "Je garde pour cela votre conversation, l'appel et la description de votre projet "
        "(pour vous signaler aussi les nouveaux appels qui lui correspondent). /alertes pour voir "
        "ou retirer vos alertes.",
        "remind_already": "Vous suivez déjà cet appel.",
        "terminal_alerts": "Les alertes sont envoyées dans Telegram : utilisez le bot pour les "
        "activer.",
        "alerts_title": "<b>Vos alertes</b>",
        "alerts_none": "Vous ne suivez aucun appel. Touchez « 🔔 Me le rappeler » sous un appel "
        "pour être prévenu avant sa date limite.",
        "removed": "Alerte retirée.",
        "reminder": "⏰ Rappel : la date limite de <b>{title}</b> est {when}.",
        "new_calls": "🆕 De nouveaux appels correspondent à votre projet :",
        "referents": "<b>Joindre une personne</b>\nINSPIRE est porté par trois réseaux "
        "régionaux. Écrivez au référent de votre région :",
        "national": "Ailleurs en France : le réseau national des réseaux régionaux, {link}.",
        "sources_title": "<b>Sources</b>",
        "sources_gone": "Ces sources ne sont plus disponibles : posez à nouveau votre question.",
        "page": "p.",
        "button_sources": "📚 Sources",
        "button_referent": "🤝 Parler à un référent",
        "feedback_thanks": "Merci pour votre avis !",
        "rate_limited": "Vous posez beaucoup de questions d'un coup 🙂 Attendez {seconds} s "
        "avant la suivante.",
        "text_only": "Je ne lis que les messages écrits : posez-moi votre question par écrit.",
        "error": "Désolé, un problème technique m'a empêché de répondre. Réessayez dans un "
        "instant.",
        "lang_prompt": "Choisissez votre langue :",
        "lang_set": "C'est noté : je vous parlerai en français.",
        "handoff_where": "Où se trouve votre collectivité ? Écrivez son code postal, sa commune "
        "ou son département, ou choisissez votre réseau. /cancel pour abandonner.",
        "other_region": "Autre région",
        "handoff_outside": "INSPIRE est porté par trois réseaux régionaux ; votre collectivité "
        "n'est pas dans leurs régions ({where}). Vous pouvez les contacter directement :",
        "handoff_ambiguous": "Plusieurs lieux portent ce nom ({names}) : donnez le code postal.",
        "handoff_unknown": "Je n'ai pas reconnu ce lieu : donnez le code postal de votre "
        "collectivité, ou choisissez votre réseau.",
        "handoff_consent": "<b>Avant de continuer</b>\nPour que {network} vous recontacte, je lui "
        "transmettrai : votre nom, votre fonction, votre collectivité, votre e-mail et/ou "
        "téléphone, votre question et vos derniers échanges avec moi (questions, réponses, "
        "appels consultés).\nCes informations sont conservées {months} mois puis effacées ; "
        "/forget les efface à tout moment.\n\nAcceptez-vous ?",
        "consent_yes": "✅ J'accepte",
        "consent_no": "Non merci",
        "handoff_refused": "Entendu : rien n'a été enregistré. Vous pouvez continuer à me poser "
        "des questions.",
        "ask_name": "Votre nom et prénom ?",
        "ask_role": "Votre fonction (par exemple : maire adjoint, chargée de mission) ?",
        "ask_authority": "Votre collectivité ou structure ?",
        "ask_contact": "Votre e-mail ou votre téléphone ? Vous pouvez aussi toucher « Partager "
        "mon numéro ».",
        "share_phone": "📱 Partager mon numéro",
        "invalid_contact": "Je n'ai reconnu ni e-mail ni numéro de téléphone : réessayez.",
        "invalid_text": "Merci d'écrire quelques mots (2 à 200 caractères).",
        "ask_handoff_question": "Votre question pour le référent ?",
        "handoff_summary": "<b>Récapitulatif</b>\nRéseau : {network}\nNom : {name}\nFonction : "
        "{role}\nCollectivité : {authority}\nContact : {contact}\nQuestion : {question}\n\n"
        "J'envoie votre demande ?",
        "confirm_yes": "📨 Envoyer",
        "confirm_no": "Annuler",
        "handoff_created": "Votre demande n° {id} est enregistrée ; je vous préviens dès qu'elle "
        "est remise à {network}.",
        "handoff_waiting": "Votre demande n° {id} est enregistrée. {network} n'a pas encore de "
        "référent sur Telegram : l'équipe la verra et vous recontactera par e-mail ou téléphone. "
        "Vous pouvez aussi écrire à {email}.",
        "handoff_delivered": "📬 Votre demande a été remise à {network}.",
        "handoff_taken": "🙋 Une personne de {network} s'occupe de votre demande.",
        "handoff_closed": "✅ {network} a clos votre demande.",
        "handoff_reply": "💬 <b>Message de {network}</b> :\n{message}",
        "forgotten": "C'est fait : vos demandes ont été anonymisées, vos alertes supprimées et vos "
        "préférences effacées. Les avis 👍/👎 ne sont reliés à personne : ils s'effacent d'eux-"
        "mêmes au bout de {months} mois.",
        "cmd_forget": "Effacer mes données",
        "cmd_start": "Accueil et menu",
        "cmd_help": "Comment utiliser l'assistant",
        "cmd_funding": "Trouver des appels à projets",
        "cmd_referent": "Contacter mon réseau régional",
        "cmd_alerts": "Mes alertes de date limite",
        "cmd_lang": "Changer de langue",
        "cmd_privacy": "Vos données",
    },
    "en": {
        "welcome": (
            "Hello! I am the assistant of the <b>INSPIRE</b> programme (decentralised "
            "cooperation for peace in Europe).\n\n"
            "I answer questions about the programme — how to join, which actions are eligible, "
            "co-financing — citing my sources, and I help you find funding calls.\n\n"
            "I only know the programme documents: when I don't know, I say so and point you to "
            "the referent of your regional network."
        ),
        "help": (
            "<b>How to use me</b>\n"
            "• Just type your question, in French, English, Ukrainian or Polish.\n"
            "• Every answer cites its sources [1], [2]…: tap “Sources” to see them.\n"
            "• /financements: find funding calls for your project; /alertes: your deadline "
            "reminders.\n"
            "• /referent: reach a person in your regional network.\n"
            "• /lang: change language. /privacy: your data."
        ),
        "privacy": (
            "<b>Your data</b>\n"
            "• Your questions are used to answer you; they are neither kept nor sent to an "
            "outside service.\n"
            "• If you tap 👍 or 👎, the question, the answer and your vote are kept for {months} "
            "months without your identifier, to improve the assistant: nothing links them to "
            "you, and they delete themselves.\n"
            "• If you tap “🔔 Remind me”, we keep your chat, the call and your project "
            "description until you remove the alert (/alertes) or block the bot.\n"
            "• If you block the bot, we only keep a hashed fingerprint of the chat so that we "
            "stop writing to you; it is removed as soon as you write to us again.\n"
            "• /forget erases what concerns you at any time. For any question about your data, "
            "write to the referent of your regional network."
        ),
        "about": (
            "<b>The INSPIRE programme</b> (Intensify Networking to Strengthen Peacebuilding "
            "Institutions and Relations in Europe) brings together French and European local "
            "authorities working for peace and for people affected by the war in Ukraine. It is "
            "run by Lianes Coopération, Pays de la Loire Coopération Internationale and SO "
            "Coopération, with the French Ministry for Europe and Foreign Affairs.\n\n"
            "Ask me a question to learn more."
        ),
        "menu_ask": "❓ Ask a question",
        "menu_funding": "💶 Find funding",
        "menu_referent": "🤝 Contact my referent",
        "menu_about": "ℹ️ About the programme",
        "ask_prompt": "Type your question in a message, for example: “Which actions are "
        "co-financed?”",
        "funding_prompt": "Describe your project in one message (who, with which partner, to do "
        "what): I will look for the calls that fit it. /cancel to stop.",
        "authority_question": "What kind of organisation leads the project?",
        "partner_question": "Where is your partner?",
        "skip": "Skip ⏭",
        "auth_commune": "Municipality",
        "auth_intercommunalite": "Inter-municipal body",
        "auth_departement": "Département",
        "auth_region": "Region",
        "auth_association": "Association",
        "partner_UA": "🇺🇦 Ukraine",
        "partner_MD": "🇲🇩 Moldova",
        "partner_PL": "🇵🇱 Poland",
        "partner_RO": "🇷🇴 Romania",
        "partner_EU": "🇪🇺 Another EU country",
        "cards_intro": "The calls that fit your project best:",
        "cards_none": "I found no call that fits this project in my database. The referent of "
        "your regional network can advise you.",
        "cancelled": "Cancelled. Ask me a question whenever you like.",
        "status_open": "🟢 Open",
        "status_forthcoming": "🟡 Opening soon",
        "status_closed": "⚪ Closed",
        "deadline_line": "📅 Deadline: {date} ({days})",
        "days_left": "in {n} days",
        "today": "today",
        "expected": "🔮 Next edition — an expectation, not a confirmed fact: {text}",
        "amount_line": "💶 Amount: {text}",
        "rate_line": "🤝 Co-financing: {text}",
        "checked_line": "checked on {date}",
        "button_remind": "🔔 Remind me",
        "button_remove": "❌ Remove",
        "remind_ok": "🔔 Done: I will remind you 30, 7 and 1 days before the deadline. For this I "
        "keep your chat, the call and your project description (to also tell you about new calls "
        "that fit it). /alertes to see or remove your alerts.",
        "remind_already": "You already follow this call.",
        "terminal_alerts": "Alerts are sent in Telegram: use the bot to turn them on.",
        "alerts_title": "<b>Your alerts</b>",
        "alerts_none": "You follow no call. Tap “🔔 Remind me” under a call to be told before its "
        "deadline.",
        "removed": "Alert removed.",
        "reminder": "⏰ Reminder: the deadline of <b>{title}</b> is {when}.",
        "new_calls": "🆕 New calls fit your project:",
        "referents": "<b>Reach a person</b>\nINSPIRE is run by three regional networks. Write "
        "to the referent of your region:",
        "national": "Elsewhere in France: the national network of regional networks, {link}.",
        "sources_title": "<b>Sources</b>",
        "sources_gone": "These sources are no longer available: please ask your question again.",
        "page": "p.",
        "button_sources": "📚 Sources",
        "button_referent": "🤝 Talk to a referent",
        "feedback_thanks": "Thank you for your feedback!",
        "rate_limited": "That is a lot of questions at once 🙂 Please wait {seconds} s before "
        "the next one.",
        "text_only": "I only read text messages: please type your question.",
        "error": "Sorry, a technical problem kept me from answering. Please try again in a moment.",
        "lang_prompt": "Choose your language:",
        "lang_set": "Done: I will speak English with you.",
        "handoff_where": "Where is your authority? Type its postal code, town or département, or "
        "choose your network. /cancel to stop.",
        "other_region": "Another region",
        "handoff_outside": "INSPIRE is run by three regional networks; your authority is outside "
        "their regions ({where}). You can contact them directly:",
        "handoff_ambiguous": "Several places have this name ({names}): please give the postal "
        "code.",
        "handoff_unknown": "I did not recognise this place: please give your authority's postal "
        "code, or choose your network.",
        "handoff_consent": "<b>Before we go on</b>\nSo that {network} can get back to you, I will "
        "pass on: your name, role, authority, e-mail and/or phone, your question and your recent "
        "exchanges with me (questions, answers, calls viewed).\nThey are kept {months} months, "
        "then erased; /forget erases them at any time.\n\nDo you agree?",
        "consent_yes": "✅ I agree",
        "consent_no": "No thanks",
        "handoff_refused": "Understood: nothing was stored. You can keep asking me questions.",
        "ask_name": "Your first and last name?",
        "ask_role": "Your role (for example: deputy mayor, project officer)?",
        "ask_authority": "Your local authority or organisation?",
        "ask_contact": "Your e-mail or phone number? You can also tap “Share my number”.",
        "share_phone": "📱 Share my number",
        "invalid_contact": "I recognised neither an e-mail nor a phone number: please try again.",
        "invalid_text": "Please type a few words (2 to 200 characters).",
        "ask_handoff_question": "Your question for the referent?",
        "handoff_summary": "<b>Summary</b>\nNetwork: {network}\nName: {name}\nRole: {role}\n"
        "Authority: {authority}\nContact: {contact}\nQuestion: {question}\n\nShall I send "
        "your request?",
        "confirm_yes": "📨 Send",
        "confirm_no": "Cancel",
        "handoff_created": "Your request no. {id} is recorded; I will tell you as soon as it "
        "reaches {network}.",
        "handoff_waiting": "Your request no. {id} is recorded. {network} has no referent on "
        "Telegram yet: the team will see it and get back to you by e-mail or phone. You can also "
        "write to {email}.",
        "handoff_delivered": "📬 Your request reached {network}.",
        "handoff_taken": "🙋 Someone from {network} is handling your request.",
        "handoff_closed": "✅ {network} closed your request.",
        "handoff_reply": "💬 <b>Message from {network}</b>:\n{message}",
        "forgotten": "Done: your requests were anonymised, your alerts deleted and your "
        "preferences erased. 👍/👎 votes are linked to nobody: they delete themselves after "
        "{months} months.",
        "cmd_forget": "Erase my data",
        "cmd_start": "Welcome and menu",
        "cmd_help": "How to use the assistant",
        "cmd_funding": "Find funding calls",
        "cmd_referent": "Contact my regional network",
        "cmd_alerts": "My deadline alerts",
        "cmd_lang": "Change language",
        "cmd_privacy": "Your data",
    },
    "uk": {
        "welcome": (
            "Вітаю! Я помічник програми <b>INSPIRE</b> (децентралізована співпраця заради миру "
            "в Європі).\n\n"
            "Я відповідаю на запитання про програму — як приєднатися, які дії підтримуються, "
            "співфінансування — з посиланнями на джерела, і допомагаю знайти грантові конкурси.\n\n"
            "Я знаю лише документи програми: коли я не знаю відповіді, я так і скажу та "
            "підкажу контакт вашої регіональної мережі."
        ),
        "help": (
            "<b>Як мною користуватися</b>\n"
            "• Просто напишіть запитання французькою, англійською, українською чи польською.\n"
            "• Кожна відповідь має джерела [1], [2]…: натисніть «Джерела», щоб їх побачити.\n"
            "• /financements: знайти конкурси для вашого проєкту; /alertes: ваші нагадування.\n"
            "• /referent: зв'язатися з людиною з вашої регіональної мережі.\n"
            "• /lang: змінити мову. /privacy: ваші дані."
        ),
        "privacy": (
            "<b>Ваші дані</b>\n"
            "• Ваші запитання використовуються лише для відповіді; вони не зберігаються і не "
            "передаються зовнішнім сервісам.\n"
            "• Якщо ви натискаєте 👍 або 👎, запитання, відповідь і ваша оцінка зберігаються "
            "{months} міс. без вашого ідентифікатора, щоб покращити помічника: ніщо не пов'язує "
            "їх із вами, і вони видаляються автоматично.\n"
            "• Якщо ви натиснете «🔔 Нагадати», ми зберігаємо ваш чат, конкурс і опис проєкту, "
            "доки ви не видалите нагадування (/alertes) або не заблокуєте бота.\n"
            "• Якщо ви заблокуєте бота, ми збережемо лише зашифрований відбиток чату, щоб "
            "більше вам не писати; він зникне, щойно ви напишете нам знову.\n"
            "• /forget будь-коли стирає ваші дані. З іншими запитами щодо даних звертайтеся до "
            "вашої регіональної мережі."
        ),
        "about": (
            "<b>Програма INSPIRE</b> (Intensify Networking to Strengthen Peacebuilding "
            "Institutions and Relations in Europe) об'єднує французькі та європейські громади, "
            "що працюють заради миру та підтримки людей, які постраждали від війни в Україні. "
            "Її реалізують Lianes Coopération, Pays de la Loire Coopération Internationale і SO "
            "Coopération разом із Міністерством Європи та закордонних справ Франції.\n\n"
            "Поставте мені запитання, щоб дізнатися більше."
        ),
        "menu_ask": "❓ Поставити запитання",
        "menu_funding": "💶 Знайти фінансування",
        "menu_referent": "🤝 Зв'язатися з референтом",
        "menu_about": "ℹ️ Про програму",
        "ask_prompt": "Напишіть запитання одним повідомленням, наприклад: «Які дії "
        "співфінансуються?»",
        "funding_prompt": "Опишіть ваш проєкт одним повідомленням (хто, з яким партнером, що "
        "саме): я знайду відповідні конкурси. /cancel — скасувати.",
        "authority_question": "Яка організація веде проєкт?",
        "partner_question": "У якій країні ваш партнер?",
        "skip": "Пропустити ⏭",
        "auth_commune": "Громада (комуна)",
        "auth_intercommunalite": "Об'єднання громад",
        "auth_departement": "Департамент",
        "auth_region": "Регіон",
        "auth_association": "Асоціація",
        "partner_UA": "🇺🇦 Україна",
        "partner_MD": "🇲🇩 Молдова",
        "partner_PL": "🇵🇱 Польща",
        "partner_RO": "🇷🇴 Румунія",
        "partner_EU": "🇪🇺 Інша країна ЄС",
        "cards_intro": "Конкурси, що найкраще підходять вашому проєкту:",
        "cards_none": "Я не знайшов у своїй базі конкурсу для цього проєкту. Порадьтеся з "
        "референтом вашої регіональної мережі.",
        "cancelled": "Скасовано. Ставте запитання будь-коли.",
        "status_open": "🟢 Відкритий",
        "status_forthcoming": "🟡 Незабаром відкриється",
        "status_closed": "⚪ Закритий",
        "deadline_line": "📅 Термін: {date} ({days})",
        "days_left": "через {n} дн.",
        "today": "сьогодні",
        "expected": "🔮 Наступний конкурс — прогноз, а не підтверджений факт: {text}",
        "amount_line": "💶 Сума: {text}",
        "rate_line": "🤝 Співфінансування: {text}",
        "checked_line": "перевірено {date}",
        "button_remind": "🔔 Нагадати",
        "button_remove": "❌ Видалити",
        "remind_ok": "🔔 Готово: я нагадаю за 30, 7 і 1 день до терміну. Для цього я зберігаю ваш "
        "чат, конкурс і опис проєкту (щоб повідомляти й про нові відповідні конкурси). /alertes — "
        "переглянути або видалити нагадування.",
        "remind_already": "Ви вже стежите за цим конкурсом.",
        "terminal_alerts": "Нагадування надсилаються в Telegram: увімкніть їх у боті.",
        "alerts_title": "<b>Ваші нагадування</b>",
        "alerts_none": "Ви не стежите за жодним конкурсом. Натисніть «🔔 Нагадати» під конкурсом.",
        "removed": "Нагадування видалено.",
        "reminder": "⏰ Нагадування: термін <b>{title}</b> — {when}.",
        "new_calls": "🆕 Нові конкурси для вашого проєкту:",
        "referents": "<b>Зв'язатися з людиною</b>\nINSPIRE реалізують три регіональні мережі. "
        "Напишіть референту вашого регіону:",
        "national": "Інші регіони Франції: національна мережа регіональних мереж, {link}.",
        "sources_title": "<b>Джерела</b>",
        "sources_gone": "Ці джерела вже недоступні: поставте запитання ще раз.",
        "page": "с.",
        "button_sources": "📚 Джерела",
        "button_referent": "🤝 Зв'язатися з референтом",
        "feedback_thanks": "Дякуємо за відгук!",
        "rate_limited": "Забагато запитань одразу 🙂 Зачекайте {seconds} с перед наступним.",
        "text_only": "Я читаю лише текстові повідомлення: напишіть, будь ласка, запитання.",
        "error": "Вибачте, технічна проблема завадила мені відповісти. Спробуйте ще раз за мить.",
        "lang_prompt": "Оберіть мову:",
        "lang_set": "Готово: я розмовлятиму з вами українською.",
        "handoff_where": "Де ваша громада? Напишіть поштовий індекс, місто чи департамент або "
        "оберіть мережу. /cancel — скасувати.",
        "other_region": "Інший регіон",
        "handoff_outside": "INSPIRE реалізують три регіональні мережі; ваша громада поза їхніми "
        "регіонами ({where}). Ви можете звернутися до них напряму:",
        "handoff_ambiguous": "Кілька місць мають цю назву ({names}): вкажіть поштовий індекс.",
        "handoff_unknown": "Я не впізнав це місце: вкажіть поштовий індекс або оберіть мережу.",
        "handoff_consent": "<b>Перш ніж продовжити</b>\nЩоб {network} зв'язалися з вами, я "
        "передам: ваше ім'я, посаду, громаду, e-mail та/або телефон, ваше запитання і ваші останні "
        "розмови зі мною (запитання, відповіді, переглянуті конкурси).\nДані зберігаються "
        "{months} міс., потім видаляються; /forget видаляє їх будь-коли.\n\nВи згодні?",
        "consent_yes": "✅ Згоден/згодна",
        "consent_no": "Ні, дякую",
        "handoff_refused": "Зрозуміло: нічого не збережено. Ви можете й далі ставити запитання.",
        "ask_name": "Ваше ім'я та прізвище?",
        "ask_role": "Ваша посада (наприклад: заступник мера, координатор проєктів)?",
        "ask_authority": "Ваша громада чи організація?",
        "ask_contact": "Ваш e-mail або телефон? Можна також натиснути «Поділитися номером».",
        "share_phone": "📱 Поділитися номером",
        "invalid_contact": "Я не розпізнав ні e-mail, ні номер телефону: спробуйте ще раз.",
        "invalid_text": "Напишіть кілька слів (від 2 до 200 символів).",
        "ask_handoff_question": "Ваше запитання для референта?",
        "handoff_summary": "<b>Підсумок</b>\nМережа: {network}\nІм'я: {name}\nПосада: {role}\n"
        "Громада: {authority}\nКонтакт: {contact}\nЗапитання: {question}\n\nНадіслати запит?",
        "confirm_yes": "📨 Надіслати",
        "confirm_no": "Скасувати",
        "handoff_created": "Ваш запит № {id} збережено; я повідомлю, щойно його отримає {network}.",
        "handoff_waiting": "Ваш запит № {id} збережено. У {network} ще немає референта в Telegram: "
        "команда побачить запит і зв'яжеться з вами e-mail або телефоном. Можна також написати на "
        "{email}.",
        "handoff_delivered": "📬 Ваш запит отримала мережа {network}.",
        "handoff_taken": "🙋 Людина з {network} опрацьовує ваш запит.",
        "handoff_closed": "✅ {network} закрили ваш запит.",
        "handoff_reply": "💬 <b>Повідомлення від {network}</b>:\n{message}",
        "forgotten": "Готово: ваші запити анонімізовано, нагадування видалено, налаштування "
        "стерто. Оцінки 👍/👎 ні з ким не пов'язані: вони видаляються самі через {months} міс.",
        "cmd_forget": "Стерти мої дані",
        "cmd_start": "Вітання і меню",
        "cmd_help": "Як користуватися помічником",
        "cmd_funding": "Знайти конкурси",
        "cmd_referent": "Зв'язатися з регіональною мережею",
        "cmd_alerts": "Мої нагадування",
        "cmd_lang": "Змінити мову",
        "cmd_privacy": "Ваші дані",
    },
}

LANGUAGE_NAMES = {"fr": "🇫🇷 Français", "en": "🇬🇧 English", "uk": "🇺🇦 Українська"}


def ui_language(code: str | None) -> str:
    """The interface language for a Telegram ``language_code`` (French by default)."""
    short = (code or "").lower().split("-")[0]
    short = FALLBACK.get(short, short)
    return short if short in UI_LANGUAGES else "fr"


def text(lang: str, key: str, **values: object) -> str:
    """The interface text ``key`` in ``lang``."""
    value = TEXTS[ui_language(lang)][key]
    return value.format(**values) if values else value


# What referents see (the networks work in French).
REFERENT_TEXTS = {
    "join_ok": "Cette conversation reçoit désormais les demandes de {network}.",
    "join_bad": "Code inconnu : demandez le code de votre réseau à l'équipe du bot.",
    "not_referent": "Cette commande est réservée aux référents (/referent_join CODE).",
    "dossiers_title": "<b>Demandes ouvertes — {network}</b>",
    "dossiers_none": "Aucune demande ouverte pour {network}.",
    "dossier_line": "n° {id} · {state} · {name} ({authority}) : {question}",
    "denied": "Cette demande ne relève pas de votre réseau.",
    "state_changed": "Demande n° {id} : {state}.",
    "unchanged": "Demande n° {id} : déjà {state}.",
    "relayed": "Message transmis.",
    "stats": "<b>Statistiques</b>\nQuestions : {questions} · sans réponse : {abstentions}\n"
    "Avis : 👍 {up} · 👎 {down}\nDemandes : {handoffs}",
    "admin_only": "Commande réservée aux administrateurs.",
}
