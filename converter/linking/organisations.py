"""Organisations named in a fiche, typed with the SKOS scheme ``types-organisations``.

A mention is a label of a type (« CAF », « Conseil départemental », « Mairie »), as whole
words, read with its complement (« CAF 46 », « caf31 », « la Mairie de Toulouse »,
« Caisse d'allocation familiale du Maine et Loire », « Association AURORE »). Abbreviations
count only in capitals; common words (« Ville », « Département », « État ») only capitalised
or with a complement that names a territory; words that need a name (« Association »,
« Collège », « Scop ») only with one. A label inside a scheme (« Contrat de ville », « plans
d'État ») is not an organisation. The territory comes from the complement, else from the
type and the structure: a bare « CAF » is the CAF of the structure's département, a bare
« Mairie » the structure's commune when known. A name whose type the fiche does not say is
typed « non précisé », never guessed (``unsaid_kind``). Each mention says which rule decided
(``RULES``). Same text, same mentions: nothing depends on other fiches.

>>> cog = load_cog()
>>> found = find_mentions("Financement : caf31, Ville et la Mairie de Toulouse", cog=cog,
...     departement=cog.departements["31"], funding=True)
>>> [(m.kind, m.territory, m.rule) for m in found]
[('caf', 'departement:31', 'sigle-et-code'), ('commune', '', 'nom-du-type'), \
('commune', 'commune:31555', 'nom-et-territoire')]
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from converter.linking.enumerations import ARTICLES, CUES, Item, items, line_item
from converter.territory import Cog, Commune, Departement, _word_key, load_cog  # noqa: F401
from converter.text import fold
from converter.vocab import VOCAB, load_vocabularies

SCHEME = "types-organisations"
TYPES = f"{VOCAB}{SCHEME}/"

# The rules, by the name the graph keeps beside each mention (cskg:rule).
RULES = {
    "liste-des-partenaires": "élément de la liste « Partenaires d'action »",
    "ligne-de-financement": "ligne « Financeur : montant » de la rubrique des ressources",
    "sigle": "sigle d'un type, en capitales (CAF, CPAM, DDETS, FAMI…)",
    "sigle-et-code": "sigle suivi d'un code de département (CAF 46, caf31)",
    "nom-et-territoire": "nom d'un type suivi d'un territoire reconnu (la Mairie de Toulouse)",
    "nom-du-type": "nom d'un type seul ; territoire : celui de la structure, selon le type",
    "nom-propre": "mot d'un type suivi d'un nom propre (Association AURORE, Scop Accolades)",
    "nom-d-epci": "nom d'un EPCI du département (Agglomération de Chaumont)",
    "sigle-d-epci": "sigle formé des initiales d'un EPCI du département (CCCGS, CANGT)",
    "element-d-enumeration": "nom propre dans une énumération de partenaires ou de membres "
    "(un collectif où sont présents : A, B, la C…)",
}

# Where an organisation of each type exists once: its territory is then certain.
LEVEL = {
    "caf": "departement", "msa": "departement", "cpam": "departement",
    "conseil-departemental": "departement", "prefecture": "departement",
    "services-deconcentres": "departement", "conseil-regional": "region",
    "commune": "commune", "ccas": "commune", "epci": "epci",
    "etat": "national", "politique-de-la-ville": "national", "france-travail": "national",
    "union-europeenne": "national", "fse": "national", "feder": "national", "fami": "national",
}  # fmt: skip
REGIONAL_LABELS = {"dreets", "direccte", "drajes"}  # regional directions of the State
# Common words: a type only capitalised, or followed by a territory.
CAPITALISED = {"ville", "departement", "region", "etat", "europe", "metropole",
               "agglomeration", "academie", "commune"}  # fmt: skip
# Words that designate an organisation only with the name that follows them.
NEEDS_NAME = {"association", "asso", "federation", "college", "ecole", "lycee", "societe",
              "entreprise", "scop", "scic", "sarl", "sas"}  # fmt: skip
# Labels that name a body of several communes, never one commune's: kept by name.
BY_NAME = {"cias", "centreintercommunaldactionsociale"}
# Words before a label that make it a scheme, not an organisation (« Contrat de ville »).
SCHEME_WORDS = {"contrat", "contrats", "plan", "plans", "dispositif", "programme", "appel"}
EU_FUNDS = {"union-europeenne", "fse", "feder", "fami"}
# What a fiche says of an organisation it names without a word of the scheme's types: named
# by a common noun of a kind of body that no type covers (« la crèche du Viguier », « le CHT
# (Centre d'Hébergement Temporaire) »), it is « autre »; named by its proper name alone
# (« la CIMADE », « Habitat Audois »), its type is not said: « non-precise », never guessed.
OTHER = "autre"
UNSTATED = "non-precise"
OTHER_KINDS = {"centre", "lieu", "foyer", "creche", "halte", "paroisse", "eglise", "mosquee",
               "temple", "synagogue", "diocese", "communaute", "pastorale", "conservatoire",
               "philharmonie", "orchestre", "musee", "theatre", "cinema", "mediatheque",
               "bibliotheque", "ludotheque", "radio", "hopital", "clinique", "ehpad",
               "universite", "institut", "fondation"}  # fmt: skip
FUNDING_CUE = re.compile(
    r"financ|subvention|participation (?:financière )?d|attribution", re.IGNORECASE
)
NEGATION = re.compile(r"\b(?:ne|n'|pas|sans)\b", re.IGNORECASE)
CUE_WINDOW = 80
CONNECTORS = {"de", "du", "des", "d", "la", "le", "l", "en"}
ADJECTIVES = {"nationale", "national", "departementale", "regionale", "locale", "intercommunale"}
_TOKEN = re.compile(r"[^\W_]+")
_DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")
_GLUED = re.compile(r"^([A-Za-z]+)(\d{2,3}|2[AB])$")
_QUOTED = re.compile(r"[ \u00a0]*[\"«“][ \u00a0]*([^\"«»“”\n]{1,60}?)[ \u00a0]*[\"»”]")
_PARENTHESIS = re.compile(r"\(([^()]*)\)")
_CLOSING = re.compile(r"[ \u00a0]*[\"»”]")
_AMOUNT = re.compile(r"^\s*:+\s*(\d[\d \u00a0\u202f.]*(?:,\d{1,2})?)\s*(k?)\s*(?:€|euros?\b)?")


@dataclass(frozen=True)
class Mention:
    """One organisation named in a text: its type (notation), its territory
    (``departement:46``, ``region:76``, ``commune:31555``, ``epci:200044014``; empty when
    national or unknown), its name when its type and territory do not identify it, the text
    as written, the rule that decided, its role and the amount given beside it."""

    kind: str
    territory: str
    name: str
    text: str
    rule: str
    funder: bool
    amount: Decimal | None = None
    scoped: bool = False  # territory unknown: the one of the citing structure


@dataclass(frozen=True)
class _Label:
    words: tuple[str, ...]
    kind: str
    written: str

    @property
    def abbreviation(self) -> bool:
        return self.written.replace(".", "").replace("+", "").isupper()


@functools.cache
def _labels() -> dict[str, list[_Label]]:
    """The French labels of the types, by their first word (as ``territory`` folds words)."""
    by_first: dict[str, list[_Label]] = {}
    for written, concept in load_vocabularies().labels[SCHEME]:
        words = tuple(_word_key(w) for w in _TOKEN.findall(written.replace(".", "")))
        label = _Label(words, concept.value.removeprefix(TYPES), written)
        by_first.setdefault(words[0], []).append(label)
    for labels in by_first.values():
        labels.sort(key=lambda label: -len(label.words))
    return by_first


_key = functools.lru_cache(maxsize=1 << 16)(_word_key)
_MARKS = dict.fromkeys(range(0x300, 0x370))  # combining accents, dropped after NFKD
_CODES = re.compile(r"[A-Za-z]\d|\bC[ACU][A-Z]")  # « caf31 », « CCCGS »


def _plain(line: str) -> str:
    return unicodedata.normalize("NFKD", line).translate(_MARKS).casefold()


@functools.cache
def _prefilter() -> re.Pattern[str]:
    """Any label's first word, as a whole word of the plain line: most lines have none, and
    are not read further."""
    words = sorted(_labels(), key=lambda w: (-len(w), w))
    return re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, words)) + r")(?![^\W_])")


def _may_start(word: str, key: str) -> bool:
    """Whether a mention can start at this word: a label's first word, a glued code
    (« caf31 ») or a capitalised acronym of an EPCI; most words are none, and cost no more."""
    return (
        key in _labels()
        or (word[-1].isdigit() and not word.isdigit())
        or (word[:2] in ("CC", "CA", "CU") and word.isupper())
    )


@dataclass
class _Tokens:
    text: str
    spans: list[tuple[int, int]]
    keys: list[str]

    @classmethod
    def of(cls, text: str) -> _Tokens:
        text = _DOTTED.sub(lambda m: m.group(0).replace(".", "") + " ", text)
        spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        return cls(text, spans, [_key(text[a:b]) for a, b in spans])

    def word(self, i: int) -> str:
        a, b = self.spans[i]
        return self.text[a:b]

    def joined(self, i: int, j: int) -> bool:
        """Tokens i to j follow each other in one phrase: only blanks, an apostrophe or a
        hyphen between each two (« Petit-Canal », « d'allocations »; not « AURORE - Centre »)."""
        return all(
            self.text[self.spans[k][1] : self.spans[k + 1][0]].strip(" \u00a0")
            in ("", "'", "’", "-")
            and self.text[self.spans[k][1] : self.spans[k + 1][0]] not in (" - ", " -", "- ")
            for k in range(i, j)
        )


# Lines whose mentions are kept for the next fiche that has them (a fifth of the lines of
# generated fiches are met again): 200,000 held 104 MiB (521 bytes a line, measured).
LINES_KEPT = 50_000


def find_mentions(
    text: str,
    *,
    cog: Cog,
    departement: Departement | None,
    commune: Commune | None = None,
    funding: bool = False,
    structure: str = "",
    listed: bool = False,
) -> list[Mention]:
    """Every organisation mention of ``text``, in order; ``departement`` and ``commune`` are
    the citing structure's (they scope bare names); in the funding text (``funding``) every
    mention is a funder, and an amount written after it (« CGET : 1000 € ») is kept. A
    mention that is the citing ``structure``'s own name (« le Centre Social Ville Plurielle »)
    is not another organisation. In a ``listed`` text each line is one name (the initiators'
    « Précision ( si autre ) »): a proper name there is an organisation, as in an
    enumeration of partners."""
    own = fold(structure)
    found: list[Mention] = []
    for line in text.split("\n"):
        key = ("mentions", line, departement, commune, funding, listed)
        in_line = cog.cache.get(key)
        if in_line is None:
            in_line = _line_mentions(line, cog, departement, commune, funding, listed)
            if len(cog.cache) > LINES_KEPT:  # bounded: a long run meets many lines once
                cog.cache.clear()
            cog.cache[key] = in_line
        found += [m for m, own_words in in_line if not own_words or own_words not in own]
    return found


def _line_mentions(
    line: str,
    cog: Cog,
    departement: Departement | None,
    commune: Commune | None,
    funding: bool,
    listed: bool = False,
) -> list[tuple[Mention, str]]:
    """The mentions of one line, each with the folded words that would make it the citing
    structure's own name (empty when none could)."""
    read = _reading(line)
    if read is None and not listed:
        return []
    tokens, starts, cue = read or (_Tokens.of(line), (), False)
    found: list[_Found] = []
    reached = 0
    for i in starts:
        if i < reached:
            continue
        mention, end = _mention_at(tokens, i, cog, departement, commune, funding)
        if mention is not None:
            start = tokens.spans[i][0]
            own = _own_words(tokens, i, end, mention)
            found.append(_Found(mention, own, start, start + len(mention.text)))
        reached = max(end, i + 1)
    found = _alternatives(found, tokens.text)
    if cue or listed:
        found = _with_items(found, tokens, cog, departement, funding, listed)
    return [(f.mention, f.own) for f in found]


@functools.lru_cache(maxsize=1 << 14)
def _reading(line: str) -> tuple[_Tokens, tuple[int, ...], bool] | None:
    """What a line gives whatever the structure citing it: its tokens, those a mention may
    start at, and whether a cue of an enumeration is in it; None when it holds no label's
    word, no code and no cue (most lines). Read once per line: generated or real dumps repeat
    lines across fiches of many départements."""
    undotted = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), line)  # « C.A.F. »
    plain = _plain(undotted)
    cue = CUES.search(plain) is not None
    if not cue and not _prefilter().search(plain) and not _CODES.search(undotted):
        return None
    tokens = _Tokens.of(line)
    starts = tuple(i for i in range(len(tokens.keys)) if _may_start(tokens.word(i), tokens.keys[i]))
    return tokens, starts, cue


def _alternatives(found: list[_Found], text: str) -> list[_Found]:
    """« CCAS / Commune », « Mairie / CCAS »: a commune and its CCAS written as alternatives
    (one column of a budget table) are one body, the commune."""
    dropped = set()
    for a, b in zip(found, found[1:], strict=False):
        kinds = {a.mention.kind, b.mention.kind}
        if (
            kinds == {"ccas", "commune"}
            and a.mention.territory == b.mention.territory
            and text[a.stop : b.start].strip() == "/"
        ):
            dropped.add(id(a if a.mention.kind == "ccas" else b))
    return [f for f in found if id(f) not in dropped]


@dataclass(frozen=True)
class _Found:
    mention: Mention
    own: str  # the folded words that would make it the citing structure's own name
    start: int
    stop: int


def _with_items(
    found: list[_Found],
    tokens: _Tokens,
    cog: Cog,
    departement: Departement | None,
    funding: bool,
    listed: bool,
) -> list[_Found]:
    """``found`` and the organisations that enumerations of partners name without a word of
    their type (``enumerations``): typed by their descriptor or their own first word
    (« association de parents (Pirouette) », « les Écoles Jean Zay et Prévert »), else by
    the cue (« des associations : A »), else « autre ». An item that holds a mention is that
    mention, unless it only describes the name in parentheses (« association REAAP (Les
    Tisserands) »: the association is Les Tisserands); an item naming a commune of the
    département is a place."""
    result = list(found)
    enumerated = list(items(tokens.text))
    if listed and (whole := line_item(tokens.text)) is not None:
        enumerated.append(whole)
    for item in enumerated:
        inside = [f for f in result if item.start <= f.start < item.stop]
        described = [f for f in inside if f.start < item.start + len(item.descriptor)]
        if item.descriptor and described:
            if len(described) < len(inside) or any(f.mention.kind in LEVEL for f in described):
                continue  # the name in parentheses is itself a mention, or a territorial body
            kind = described[0].mention.kind
            result = [f for f in result if f not in described]
        elif inside or _is_commune(tokens, item, cog, departement):
            continue
        else:
            spelt = _PARENTHESIS.search(item.text)  # « le CHT (Centre d'Hébergement …) »
            kind = (
                _kind_of(item.descriptor or item.name)
                or _kind_of(item.cue)
                or unsaid_kind(item.descriptor or item.name, spelt.group(1) if spelt else "")
            )
        funder = funding or _funding_cue(tokens.text, item.start, item.stop)
        mention = Mention(kind, "", item.name, item.text, "element-d-enumeration", funder)
        result.append(_Found(mention, fold(item.name), item.start, item.stop))
    return sorted(result, key=lambda f: f.start)


def unsaid_kind(*phrases: str) -> str:
    """The type of an organisation no word of a type names: « autre » when a phrase starts
    with a kind of body outside the scheme (``OTHER_KINDS``), else « non-precise »."""
    for phrase in phrases:
        keys = [_word_key(w) for w in _TOKEN.findall(phrase)]
        keys = keys[1:] if keys and keys[0] in ARTICLES else keys
        if keys and keys[0] in OTHER_KINDS:
            return OTHER
    return UNSTATED


def _kind_of(words: str) -> str | None:
    """The type a phrase's first word names, singular or plural (« écoles », « associations »),
    among the types known by name (association, école…); None if none."""
    keys = [_word_key(w) for w in _TOKEN.findall(words)]
    keys = keys[1:] if keys and keys[0] in ARTICLES else keys
    if not keys:
        return None
    first = keys[0]
    for candidate in (first, first[:-1] if first[-1:] in ("s", "x") else first):
        for label in _labels().get(candidate, []):
            if label.kind not in LEVEL and not label.abbreviation and len(label.words) == 1:
                return label.kind
    return None


def _is_commune(tokens: _Tokens, item: Item, cog: Cog, departement: Departement | None) -> bool:
    """An item made of names of communes of the département only (« Mamers et
    La Flèche »): places, not an organisation (« Mamers Futsal Club » is
    one)."""
    if departement is None:
        return False
    at = item.start + item.text.find(item.name)
    inside = [k for k, (a, _) in enumerate(tokens.spans) if at <= a < at + len(item.name)]
    k = inside[0] if inside else len(tokens.keys)
    while inside and k <= inside[-1]:
        found = _commune_at(tokens, k, cog, departement)
        if found is None:
            return False
        k = found[1] + (found[1] <= inside[-1] and tokens.keys[found[1]] == "et")
    return bool(inside)


def _own_words(tokens: _Tokens, i: int, end: int, mention: Mention) -> str:
    """A proper name, or the mention and the word after it (« Ville Plurielle »): found in
    the structure's folded name, the mention is that name."""
    if mention.name and mention.rule == "nom-propre":
        return fold(mention.name)
    if end < len(tokens.keys):
        return "".join(tokens.keys[i : end + 1])
    return ""


def _label_at(tokens: _Tokens, i: int) -> tuple[_Label, int] | None:
    for label in _labels().get(tokens.keys[i], []):
        end = i + len(label.words)
        if tuple(tokens.keys[i:end]) == label.words and all(
            tokens.joined(k, k + 1) for k in range(i, end - 1)
        ):
            if label.abbreviation and not tokens.word(i).isupper():
                if label.kind in ("entreprise",) and i + 1 < len(tokens.keys):
                    return label, end  # « Scop Accolades »: checked for a name below
                continue
            return label, end
    return None


def _mention_at(
    tokens: _Tokens,
    i: int,
    cog: Cog,
    departement: Departement | None,
    commune: Commune | None,
    funding: bool,
) -> tuple[Mention | None, int]:
    glued = _GLUED.match(tokens.word(i))
    if glued and (kind := _glued_label(glued.group(1))) and glued.group(2) in cog.departements:
        return _make(tokens, i, i + 1, kind, f"departement:{glued.group(2)}", "", "sigle-et-code",
                     funding, cog), i + 1  # fmt: skip
    if departement is not None and (siren := _epci_acronym(tokens.word(i), cog, departement)):
        return _make(tokens, i, i + 1, "epci", f"epci:{siren}", "", "sigle-d-epci", funding,
                     cog), i + 1  # fmt: skip
    matched = _label_at(tokens, i)
    if matched is None:
        return None, i + 1
    label, end = matched
    before = set(tokens.keys[max(0, i - 2) : i])
    if before & SCHEME_WORDS and label.kind not in EU_FUNDS:
        return None, end
    key = "".join(label.words)
    territory, after = _complement(tokens, end, label, cog, departement)
    level = "region" if key in REGIONAL_LABELS else LEVEL.get(label.kind, "named")
    if key in BY_NAME:
        return _make(tokens, i, after, label.kind, "", tokens.text[tokens.spans[i][0] :
                     tokens.spans[after - 1][1]], "nom-propre", funding, cog), after  # fmt: skip
    if label.kind == "epci":
        epci = _epci_named(tokens, end, cog, departement)
        if epci is None:
            return None, end
        code, after = epci
        return _make(tokens, i, after, "epci", f"epci:{code}", "", "nom-d-epci", funding,
                     cog), after  # fmt: skip
    if key in NEEDS_NAME:
        name, after = _name_after(tokens, end)
        if not name:
            return None, end
        return _make(tokens, i, after, label.kind, "", name, "nom-propre", funding, cog), after
    if territory:
        return _make(tokens, i, after, label.kind, territory, "", "nom-et-territoire", funding,
                     cog), after  # fmt: skip
    first = tokens.word(i)
    if key in CAPITALISED and not first[0].isupper() and not _services_of(tokens, i):
        return None, end
    kind = label.kind
    if kind == "etat" and tuple(tokens.keys[end : end + 4]) == ("politique", "de", "la", "ville"):
        kind, end = "politique-de-la-ville", end + 4
    rule = "sigle" if label.abbreviation else "nom-du-type"
    if level == "national":
        return _make(tokens, i, end, kind, "", "", rule, funding, cog), end
    if level == "named":
        return _make(tokens, i, end, kind, "", label.written, rule, funding, cog, scoped=True), end
    scope = _scope(level, departement, commune)
    return _make(tokens, i, end, kind, scope, "", rule, funding, cog, scoped=not scope), end


def _services_of(tokens: _Tokens, i: int) -> bool:
    """« les services techniques de la ville »: the commune as an institution."""
    return "services" in tokens.keys[max(0, i - 4) : i]


def _scope(level: str, departement: Departement | None, commune: Commune | None) -> str:
    if level == "departement" and departement is not None:
        return f"departement:{departement.code}"
    if level == "region" and departement is not None:
        return f"region:{departement.region.code}"
    if level == "commune" and commune is not None:
        return f"commune:{commune.code}"
    return ""


def _make(
    tokens: _Tokens,
    i: int,
    end: int,
    kind: str,
    territory: str,
    name: str,
    rule: str,
    funding: bool,
    cog: Cog,
    *,
    scoped: bool = False,
) -> Mention:
    start, stop = tokens.spans[i][0], tokens.spans[end - 1][1]
    line = tokens.text
    if (
        rule == "nom-propre"
        and (closing := _CLOSING.match(line, stop))
        and any(quote in line[start:stop] for quote in '"«“')
    ):
        stop = closing.end()  # the quoted name's closing quote, as written
    amount = None
    if funding and (money := _AMOUNT.match(line[stop:])):
        digits = re.sub(r"[ \u00a0\u202f.]", "", money.group(1)).replace(",", ".")
        amount = Decimal(digits) * (1000 if money.group(2) else 1)
    funder = funding or kind in EU_FUNDS or _funding_cue(line, start, stop)
    return Mention(kind, territory, name, line[start:stop], rule, funder, amount, scoped)


def _funding_cue(line: str, start: int, stop: int) -> bool:
    """A funding word within ``CUE_WINDOW`` characters, no negation between."""
    for cue_start, cue_end in _cues(line):
        between = line[cue_end:start] if cue_start < start else line[stop:cue_start]
        if len(between) <= CUE_WINDOW and not NEGATION.search(between):
            return True
    return False


@functools.lru_cache(maxsize=256)
def _cues(line: str) -> tuple[tuple[int, int], ...]:
    """Where the funding words of ``line`` are: searched once for all its mentions."""
    return tuple(cue.span() for cue in FUNDING_CUE.finditer(line))


def _glued_label(letters: str) -> str | None:
    for label in _labels().get(_word_key(letters), []):
        if len(label.words) == 1 and label.abbreviation and LEVEL.get(label.kind) == "departement":
            return label.kind
    return None


def _complement(
    tokens: _Tokens, end: int, label: _Label, cog: Cog, departement: Departement | None
) -> tuple[str, int]:
    """The territory written right after a label, and where it ends; ("", end) if none."""
    key = "".join(label.words)
    level = "region" if key in REGIONAL_LABELS else LEVEL.get(label.kind)
    k = end
    while k < len(tokens.keys) and tokens.keys[k] in CONNECTORS and k - end < 2:
        k += 1
    if k >= len(tokens.keys) or not tokens.joined(end - 1, k):  # connectors are words
        return "", end
    if level in ("departement", "region"):
        word = tokens.word(k).upper()
        if word in cog.departements:
            found = cog.departements[word]
            code = found.code if level == "departement" else found.region.code
            return f"{level}:{code}", k + 1
        for stop in range(min(len(tokens.keys), k + 5), k, -1):
            name = "".join(tokens.keys[k:stop])
            if level == "departement" and name in cog.by_name:
                return f"departement:{cog.by_name[name].code}", stop
            if level == "region" and name in _regions(cog):
                return f"region:{_regions(cog)[name]}", stop
        if k > end and tokens.word(k)[0].isupper() and departement is not None:
            # « la CAF de Guradeloupe »: a complement that names no territory
            return _scope(level, departement, None), k + 1
    if level == "commune" and departement is not None:
        for start in range(end + 1, k + 1):  # « de La Flèche »: the article may be the name's
            found_commune = _commune_at(tokens, start, cog, departement)
            if found_commune is not None:
                return f"commune:{found_commune[0].code}", found_commune[1]
    return "", end


@functools.cache
def _region_names(cog_id: int, pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {"".join(_word_key(w) for w in _TOKEN.findall(name)): code for code, name in pairs}


def _regions(cog: Cog) -> dict[str, str]:
    pairs = tuple(sorted({(d.region.code, d.region.name) for d in cog.departements.values()}))
    return _region_names(id(cog), pairs)


def _commune_at(
    tokens: _Tokens, k: int, cog: Cog, departement: Departement
) -> tuple[Commune, int] | None:
    """The current commune of ``departement`` whose whole name starts at token ``k``."""
    best: tuple[Commune, int] | None = None
    for name in cog.names.get(departement.code, {}).get(tokens.keys[k], []):
        stop = k + len(name.words)
        if tuple(tokens.keys[k:stop]) == name.words and all(
            tokens.joined(j, j + 1) for j in range(k, stop - 1)
        ):
            if best is None or stop > best[1]:
                best = (name.commune, stop)
    return best


def _name_after(tokens: _Tokens, end: int) -> tuple[str, int]:
    """A proper name after a word such as « Association »: a quoted name (« l'association
    "11Bouge" »), else capitalised words, with « de », « du »… inside it only when a
    capitalised word follows."""
    if end < len(tokens.keys):
        quoted = _QUOTED.match(tokens.text, tokens.spans[end - 1][1])
        if quoted is not None:
            stop = end
            while stop < len(tokens.spans) and tokens.spans[stop][1] <= quoted.end(1):
                stop += 1
            return quoted.group(1), stop
    k = end
    while k < len(tokens.keys) and tokens.keys[k] in ADJECTIVES:
        k += 1
    start, stop = k, k
    while stop < len(tokens.keys) and tokens.joined(stop - 1, stop):
        word = tokens.word(stop)
        if word[0].isupper():
            stop += 1
        elif (
            tokens.keys[stop] in CONNECTORS
            and stop + 1 < len(tokens.keys)
            and (tokens.word(stop + 1)[0].isupper() and stop > start)
        ):
            stop += 1
        else:
            break
    if stop == start:
        return "", end
    return tokens.text[tokens.spans[start][0] : tokens.spans[stop - 1][1]], stop


_EPCI_NOISE = {"cc", "ca", "cu", "communaute", "communautes", "de", "du", "des", "d", "la", "le",
               "les", "l", "agglomeration", "agglo", "communes", "urbaine", "metropole", "et",
               "pays"}  # fmt: skip


# Words of an EPCI's name that its acronym skips (« CC du Pays Fléchois » is « CCPF »).
_ACRONYM_NOISE = {"cc", "ca", "cu", "de", "du", "des", "d", "la", "le", "les", "l", "et", "agglo",
                  "agglomeration", "communaute", "communautes", "communes", "metropole",
                  "urbaine"}  # fmt: skip


def _epci_list(cog: Cog, departement: Departement) -> list[tuple[str, tuple[str, ...], str]]:
    """(SIREN, significant words, acronym) of the EPCI with a member in ``departement``."""
    cached: list[tuple[str, tuple[str, ...], str]] | None = cog.cache.get(("epcis", departement))
    if cached is not None:
        return cached
    found = cog.cache[("epcis", departement)] = []
    for code, epci in sorted(cog.epcis_in.get(departement.code, {}).items()):
        words = [_word_key(w) for w in _TOKEN.findall(epci.name)]
        significant = tuple(w for w in words if w not in _EPCI_NOISE)
        acronym = epci.nature[:2] + "".join(w[0] for w in words if w not in _ACRONYM_NOISE)
        found.append((code, significant, acronym.upper()))
    return found


def _epci_acronym(word: str, cog: Cog, departement: Departement) -> str | None:
    """The SIREN of the one EPCI of ``departement`` whose acronym ``word`` is (« CAF » is
    looked up at each mention: the acronyms are indexed once per département)."""
    if len(word) < 3 or not word.isupper() or word[:2] not in ("CC", "CA", "CU"):
        return None
    acronyms: dict[str, str] | None = cog.cache.get(("epci-acronyms", departement))
    if acronyms is None:
        codes: dict[str, list[str]] = {}
        for code, _, acronym in _epci_list(cog, departement):
            codes.setdefault(acronym, []).append(code)
        acronyms = {acronym: found[0] for acronym, found in codes.items() if len(found) == 1}
        cog.cache[("epci-acronyms", departement)] = acronyms
    return acronyms.get(word)


def _epci_named(
    tokens: _Tokens, end: int, cog: Cog, departement: Departement | None
) -> tuple[str, int] | None:
    """The EPCI of the structure's département whose significant words follow the label."""
    if departement is None:
        return None
    for stop in range(min(len(tokens.keys), end + 6), end, -1):
        words = tuple(w for w in tokens.keys[end:stop] if w not in _EPCI_NOISE)
        if not words or not tokens.joined(end - 1, end):
            continue
        codes = [code for code, significant, _ in _epci_list(cog, departement)
                 if significant == words]  # fmt: skip
        if len(codes) == 1:
            return codes[0], stop
    return None
