"""The items of an enumeration of partners: « un collectif où sont présents : A, B, la C… »,
« 13 acteurs engagés (Maison des X, association de parents (Y), …) », « des associations : Z ».

A fiche often lists the members of a collective or the partners of an action by their own
names alone, with no word of their type: the list, introduced by a word of partnership or
membership (``CUES``) and a colon or a parenthesis, says they are organisations. An item counts
only if it is a proper name (a capitalised word after its first, an acronym, a digit, or one
capitalised word); an item that names a kind of body without naming one (« la MJC », « Club de
prévention »), a public (« les familles »), an instance (« Conseil citoyen ») or a scheme
(« CLAS », « contrat de ville ») is none. « descriptor (Name) » names ``Name``, described by its
descriptor (« association de parents (Pirouette) »), unless the parenthesis spells an
acronym out (« le CHRS (Centre d'Hébergement et de Réinsertion Sociale) ») or gives a former
name (« (ex FJT) »).
The list ends with its sentence (or its parenthesis). Nothing here knows any organisation's
name: typing the items is the job of ``organisations``.

>>> [(i.name, i.descriptor) for i in items("Le collectif réunit : Kiosque7, la MJC, "
...     "Les Amis (ex Foyer), une association de parents (Pirouette) et les familles.")]
[('Kiosque7', ''), ('Amis', ''), ('Pirouette', 'une association de parents')]
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

# Words that announce partners or members (folded, accents removed).
CUES = re.compile(
    r"(?<![^\W_])(?:partenaires?|partenariats?|collectifs?|reseaux?|acteurs?|associations?"
    r"|structures?|membres?|intervenants?|organismes?|entreprises?|composee?s? de"
    r"|ou sont presente?s?|reuni(?:t|ssant|ssent)|regroup(?:e|ent|ant)|rassembl(?:e|ent|ant)"
    r"|en lien avec)(?![^\W_])"
)
# Cues that may introduce the list themselves, without a colon (« composé de A, B et C »).
DIRECT = ("compose", "ou sont", "reuni", "regroup", "rassembl", "en lien")
OPENER_WINDOW = 60  # characters between the cue and its colon or parenthesis
LONG = 8  # words: a longer item is prose, of which only a leading name counts
ARTICLES = {"le", "la", "les", "l", "un", "une", "des", "du", "d", "au", "aux"}
CONNECTORS = {"de", "du", "des", "d", "la", "le", "l", "a", "et", "en", "sur", "pour"}


_MARKS = dict.fromkeys(range(0x300, 0x370))


@functools.lru_cache(maxsize=4096)
def _char(c: str) -> str:
    """One character, folded to one character (offsets stay those of the text)."""
    plain = unicodedata.normalize("NFKD", c).translate(_MARKS).casefold()
    return plain[0] if len(plain) == 1 else (plain[:1] or " ")


def _plain(text: str) -> str:
    """``text`` folded character by character: same length, same offsets."""
    if text.isascii():
        return text.lower()
    return "".join(map(_char, text)).replace("’", "'")


def _key(words: str) -> str:
    """Folded words, each without a plural ending: the key of the lists below."""
    return " ".join(w[:-1] if w[-1:] in ("s", "x") and len(w) > 3 else w
                    for w in _plain(words).replace("'", " ").replace("-", " ").split())  # fmt: skip


# Names that designate a kind of body, a public, an instance or a scheme, not an
# organisation: an item that is one of them, article aside, is left out.
_NOT_NAMES = [
    # kinds of bodies and places, without their own name
    "mjc", "maison des jeunes et de la culture", "pij", "point information jeunesse",
    "centre social", "centre socioculturel", "centre socio culturel", "espace de vie sociale",
    "regie de quartier", "regie des quartiers", "club de prevention", "halte garderie",
    "creche", "multi accueil", "ecole", "college", "lycee", "laep",
    "lieu d accueil enfants parents", "maison de quartier", "mediatheque", "bibliotheque",
    "ludotheque", "centre de loisirs", "accueil de loisirs", "foyer", "epicerie solidaire",
    "epicerie sociale", "service jeunesse", "service enfance", "mairie", "ville", "commune",
    # publics and people
    "habitant", "famille", "parent", "enfant", "jeune", "adolescent", "benevole", "elu",
    "senior", "retraite", "femme", "homme", "usager", "adherent", "salarie", "professionnel",
    "partenaire", "acteur", "association", "structure", "institution", "animateur",
    "voisin", "tout public", "grand public",
    # instances of participation
    "conseil citoyen", "conseil de quartier", "comite de pilotage", "comite d usager",
    "conseil d administration", "assemblee generale", "commission", "groupe",
    # schemes and programmes
    "contrat de ville", "politique de la ville", "clas", "reaap", "cucs", "cej",
    "contrat enfance jeunesse", "pre", "programme de reussite educative", "agc", "vvv",
    "ville vie vacance", "quartier d ete", "qpv", "quartier prioritaire",
]  # fmt: skip
NOT_NAMES = frozenset(map(_key, _NOT_NAMES))
# First words that make an item a person, an activity or a team, not an organisation
# (« Monsieur le Préfet », « action Kiosque7 et X », « l'équipe du Centre Social »).
NOT_FIRST = frozenset(map(_key, [
    "madame", "monsieur", "mme", "mr", "m", "maire", "adjoint", "directeur", "directrice",
    "president", "presidente", "representant", "action", "projet", "atelier", "sortie", "fete",
    "reunion", "seance", "animation", "evenement", "temps", "stage", "spectacle", "visite",
    "journee", "semaine", "quinzaine", "equipe", "service", "quartier", "rue", "place",
]))  # fmt: skip


@dataclass(frozen=True)
class Item:
    """One item of an enumeration: where it lies in the text (``start``, ``stop``), as
    written, the organisation's own name (article left out) and, when the name was given in
    a parenthesis, the words describing it; ``cue`` is the folded word that announced the
    list."""

    start: int
    stop: int
    text: str
    name: str
    descriptor: str
    cue: str


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-ZÀ-Ý0-9«\"]|\s*$)|\s:\s|\n")
_SPLIT = re.compile(
    r"\s*[,;•]\s*|\s+[/\u2013-]\s+|\s+(?:et|ainsi que)\s+(?=(?:les?|la|l['’]|une?|des|du)\b)"
)


@functools.lru_cache(maxsize=1 << 14)
def items(text: str) -> tuple[Item, ...]:
    """The items of every enumeration of partners in ``text``, in order (read once per
    text: the same line comes back in fiches of other départements)."""
    plain = _plain(text)
    found: list[Item] = []
    reached = 0
    for cue in CUES.finditer(plain):
        if cue.start() < reached:
            continue
        opened = _opener(text, cue.end(), cue.group().startswith(DIRECT))
        if opened is None:
            continue
        start, stop = opened
        listed = _split(text, start, stop, plain[cue.start() : cue.end()])
        direct = opened[0] == cue.end()
        if len(listed) <= 1 and not direct and _typed_cue(cue.group()):
            # « des associations : Les Amis nous ont aidés… »: the name the sentence starts with
            at = start + len(text[start:stop]) - len(text[start:stop].lstrip())
            lead = _leading_name(text[at:stop])
            one = _item(text, at, at + len(lead), cue.group()) if lead else None
            found += [one] if one is not None else []
            reached = stop
        elif len(listed) >= 2:
            found += listed
            reached = stop
    return tuple(found)


def _typed_cue(cue: str) -> bool:
    """A cue that names a type in the plural (« des associations : A »): one item is a
    list (« l'association : » is the structure itself)."""
    return cue.startswith(("association", "entreprise")) and cue.endswith("s")


def _opener(text: str, at: int, direct: bool) -> tuple[int, int] | None:
    """Where the list announced at ``at`` starts and stops: after a colon or an opening
    parenthesis close enough, within the sentence, or right after a direct cue."""
    window = text[at : at + OPENER_WINDOW]
    end = _SENTENCE_END.search(window)
    # the window stops at the sentence's end, not at a « : » (which _SENTENCE_END also
    # counts as the end of a list): that colon may open this one
    window = window[: end.start()] if end and not window[end.start()] == " " else window
    colon, paren = window.find(":"), window.find("(")
    marks = [m for m in (colon, paren) if m >= 0]
    if marks:
        mark = at + min(marks)
        start = mark + 1
        if text[mark] == "(":
            return start, _closing(text, start)
        return start, _sentence_stop(text, start)
    if direct:
        return at, _sentence_stop(text, at)
    return None


def _sentence_stop(text: str, start: int) -> int:
    end = _SENTENCE_END.search(text, start)
    return end.start() if end else len(text)


def _closing(text: str, start: int) -> int:
    """The end of the parenthesis opened before ``start`` (or of the sentence)."""
    depth = 0
    stop = _sentence_stop(text, start)
    for k in range(start, stop):
        if text[k] == "(":
            depth += 1
        elif text[k] == ")":
            if depth == 0:
                return k
            depth -= 1
    return stop


def _split(text: str, start: int, stop: int, cue: str) -> list[Item]:
    """The items between ``start`` and ``stop``, cut at separators outside parentheses."""
    found = []
    depth, k, piece = 0, start, start
    while k <= stop:
        if k < stop and text[k] == "(":
            depth += 1
        elif k < stop and text[k] == ")":
            depth = max(0, depth - 1)
        separator = _SPLIT.match(text, k) if depth == 0 and k < stop else None
        if k == stop or separator:
            item = _item(text, piece, k, cue)
            if item is not None:
                found.append(item)
            k = piece = separator.end() if separator else k + 1
            continue
        k += 1
    return found


def _item(text: str, start: int, stop: int, cue: str) -> Item | None:
    written = text[start:stop]
    lead = len(written) - len(written.lstrip(" \u00a0"))
    written = written.strip(" \u00a0.")
    start += lead
    if not written:
        return None
    head, inner = written, ""
    paren = written.find("(")
    if paren > 0:
        head, inner = written[:paren].strip(), written[paren + 1 :].rstrip(")").strip()
    words = _WORD.findall(head)
    if len(words) > LONG:
        head = _leading_name(head)
        inner = ""
        if not head:
            return None
        written = head
    name, descriptor = _without_article(head), ""
    if inner and _named(_without_article(inner)) and not _spells_out(name, inner):
        name, descriptor = _without_article(inner), head
    key = _key(name)
    if (
        not (_named(name) if descriptor else _proper(name))
        or key in NOT_NAMES
        or key.split(" ")[0] in NOT_FIRST
    ):
        return None
    return Item(start, start + len(written), written, name, descriptor, cue)


def _without_article(words: str) -> str:
    found = _WORD.match(words)
    if found is None:
        return words
    first = found.group()
    article = _plain(first).split("'")[0]
    if "'" in _plain(first) and article in ARTICLES:
        return words[len(article) + 1 :].strip()
    if _plain(first) in ARTICLES and found.end() < len(words):
        return words[found.end() :].strip()
    return words


def _proper(name: str) -> bool:
    """A proper name: an acronym, a word with a digit, one capitalised word, or a
    capitalised word after the first (« la crèche des Tilleuls », not « Club de prévention »)."""
    words: list[str] = _WORD.findall(name)
    if not words:
        return False
    first = words[0]
    if _mixed(first) or (len(first) > 1 and first.isupper()):
        return True
    if first.isdigit():  # « 13 associations », « 10 personnes »: a count, not a name
        return False
    if len(words) == 1:
        return first[0].isupper()
    return any(_elided(w)[:1].isupper() or _mixed(w) for w in words[1:])


def _elided(word: str) -> str:
    """« d'Union » → « Union »."""
    return word.replace("’", "'").rsplit("'", 1)[-1]


def _named(inner: str) -> bool:
    """A name in parentheses after a descriptor: its first word capitalised is enough
    (« le centre culturel (Brique rouge) »)."""
    found = _WORD.match(inner)
    return found is not None and (str(found.group())[0].isupper() or _proper(inner))


def line_item(line: str) -> Item | None:
    """A line of a list of names (« Précision ( si autre ) » of the initiators) as an item,
    if it is a proper name and not prose."""
    if len(_WORD.findall(line)) > LONG:
        return None
    return _item(line, 0, len(line), "")


def _mixed(word: str) -> bool:
    """Letters and digits in one word (« Kiosque7 »), not a number."""
    return any(c.isdigit() for c in word) and not word.isdigit()


def _spells_out(name: str, inner: str) -> bool:
    """« CHRS (Centre d'Hébergement et de Réinsertion Sociale) », « FJT (ex …) »: the
    parenthesis says what the name is, it names nothing else."""
    if _plain(inner).startswith(("ex ", "ex-", "anciennement")):
        return True
    initials = "".join(w[0] for w in _WORD.findall(inner.replace("'", " ")) if w[0].isupper())
    return name.isupper() and initials.upper() == name.replace(".", "").upper()


def _leading_name(prose: str) -> str:
    """The capitalised words a long item starts with (« Les Amis nous ont aidés… »: « Les
    Amis »)."""
    words = list(_WORD.finditer(prose))
    if words and _plain(words[0].group()).split("'")[0] in ARTICLES:
        words = words[1:] if "'" not in words[0].group() else words
    taken = 0
    for k, word in enumerate(words):
        w = _without_article(word.group())
        if w[:1].isupper() or w[:1].isdigit():
            taken = k + 1
        elif _plain(w) in CONNECTORS and k + 1 < len(words) and words[k + 1].group()[0].isupper():
            continue
        else:
            break
    if taken == 0:
        return ""
    return prose[: words[taken - 1].end()]
