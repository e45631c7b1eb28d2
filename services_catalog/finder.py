"""The service finder's search: German-aware ranking of the town's services.

Wagtail's database backends know no German: SQLite's full-text index has no stemming, neither
backend splits compound words or forgives typos. A town has at most a few thousand services, so
the finder keeps its own small index of them in memory (per language, rebuilt when the catalog
changes) and ranks with it on every database. With Elasticsearch configured, Elasticsearch ranks
(German analysis, the editors' synonyms, fuzzy matching) and this index answers when it does not.

What the analysis does, in order:
- words are lower-cased and stemmed with the Snowball German stemmer, which also folds umlauts
  however they are written (ä = ae = a, ß = ss) and removes inflection (Hunde = Hund);
- compound words are split into parts the catalog knows (Hundeanmeldung = Hund + Anmeldung),
  in the services' texts and in the query, so compounds match whether written together or apart;
- separable verbs in questions are joined again ("melde … ab" = abmelden) and question words
  dropped ("Wie melde ich meinen Hund ab?");
- words the catalog does not know are corrected to the nearest known words (one or two typos) or
  completed as prefixes ("perso" finds "Personalausweis");
- the service's keywords and the editors' synonym list add the other words people use.
"""

import logging
import math
import re
import threading
import unicodedata
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from django.conf import settings
from django.utils.html import strip_tags
from rapidfuzz import distance, process

logger = logging.getLogger(__name__)

_stemmers = threading.local()

WORD = re.compile(r"\w+", re.UNICODE)

#: Words that carry no meaning in a query for a service (German and English question words,
#: pronouns, articles, auxiliaries). Compared after stemming.
STOP_WORDS = """
aber alle als also am an auch auf aus bei beim bin bis bitte brauch brauche da dann das dass
dein deine deinem deinen dem den der des die dies diese dir doch du durch ein eine einem einen
einer eines er es etwas fur gibt hab habe haben hat hier ich ihr im in ist ja jetzt kann kannst
konnen man mein meine meinem meinen meiner meines mich mir mit muss musst mussen nach nicht noch
nur ob oder sich sie sind so soll sollte uber um und uns unser vom von vor wann war was weg
welche welcher welches wenn wer werden wie will wir wo woher wohin zu zum zur tun mach mache
machen erledigen bekomme bekommen kriege kriegen geht gehe bzw ab an aus ein auf
a an and are as at be by can could do does for from get got have how i i'm in is it me my need
of on or please should the to want what when where which who why will with would you your
""".split()

#: Particles of separable verbs: "Wie melde ich meinen Hund ab?" means "Hund abmelden".
PARTICLES = ["ab", "an", "um", "aus", "ein", "auf", "zu", "nach", "mit", "weg", "zuruck", "vor"]

#: Linking elements between the parts of a German compound (Hund-e-steuer, Geburt-s-urkunde).
LINKS = ("", "s", "e", "n", "en", "es", "er")

#: How much a match counts in each field of a service.
FIELD_WEIGHTS = {
    "title": 5.0,
    "keywords": 3.5,
    "summary": 1.5,
    "situations": 0.6,
    "department": 0.4,
    "description": 0.5,
    "details": 0.3,
}
#: A part of a split compound counts less than a word written on its own.
PART_WEIGHT = 0.7
#: A synonym from the editors' list counts a little less than the word itself.
SYNONYM_WEIGHT = 0.8
MIN_PART = 3
TYPO_WEIGHT = 0.75
PREFIX_WEIGHT = 0.6
K1, B = 1.2, 0.6


def stem(word: str) -> str:
    """The German stem of one lower-case word, with umlauts folded (ä = ae = a, ß = ss)."""
    stemmer = getattr(_stemmers, "german", None)
    if stemmer is None:
        stemmer = _stemmers.german = snowballstemmer.stemmer("german")
    return _cached_stem(stemmer, word)


@lru_cache(maxsize=200_000)
def _cached_stem(stemmer, word):
    result = stemmer.stemWord(word)
    return fold(result)


def fold(word: str) -> str:
    """Fold what the stemmer leaves: accents, ß, and umlauts written as ae/oe/ue are left to it."""
    word = word.replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The lower-case words of ``text``; hyphenated words also as one (Kfz-Zulassung)."""
    text = unicodedata.normalize("NFC", text or "").lower()
    result = []
    for chunk in text.split():
        parts = WORD.findall(chunk.replace("_", " "))
        result.extend(parts)
        if len(parts) > 1 and "-" in chunk:
            result.append("".join(parts))
    return result


STOP_STEMS = frozenset(stem(w) for w in STOP_WORDS) | frozenset(STOP_WORDS)


# --- The index ---------------------------------------------------------------------------------


@dataclass
class ServiceEntry:
    """What the finder knows of one live service: enough to rank, filter and list it."""

    id: int
    key: str
    title: str
    summary: str
    url: str
    online: bool
    situation_ids: frozenset
    department_id: int | None
    sort_title: str = ""


@dataclass
class ServiceIndex:
    """The services of one language, analysed for searching."""

    entries: list[ServiceEntry]
    #: term -> {entry position -> {field: term frequency}}
    postings: dict = field(default_factory=dict)
    #: entry position -> {field: number of terms}
    lengths: list = field(default_factory=list)
    average_lengths: dict = field(default_factory=dict)
    #: every whole-word stem of the catalog, sorted (for prefixes and typos)
    vocabulary: list = field(default_factory=list)
    document_frequency: Counter = field(default_factory=Counter)
    known_stems: frozenset = frozenset()
    #: every word of the catalog as written (lower case, umlauts folded) -> its stem
    surface: dict = field(default_factory=dict)
    surface_words: list = field(default_factory=list)
    #: the folded word -> how the catalog writes it (lower case, with umlauts), for "did you mean"
    written: dict = field(default_factory=dict)

    def __len__(self):
        return len(self.entries)


def split_compound(word: str, known: frozenset, depth: int = 0) -> list[str] | None:
    """Split a (lower-case, folded) word into stems the catalog knows, fewest parts first;
    None when it is no compound of known words."""
    if depth > 2 or len(word) < 2 * MIN_PART:
        return None
    best = None
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head, tail = word[:cut], word[cut:]
        head_stem = None
        for link in LINKS:
            if link and not head.endswith(link):
                continue
            candidate = head[: len(head) - len(link)] if link else head
            if len(candidate) >= MIN_PART and stem(candidate) in known:
                head_stem = stem(candidate)
                break
        if head_stem is None:
            continue
        tail_stem = stem(tail)
        if len(tail) >= MIN_PART and tail_stem in known:
            return [head_stem, tail_stem]
        if best is None:
            rest = split_compound(tail, known, depth + 1)
            if rest:
                best = [head_stem, *rest]
    return best


def analyse_field(text: str) -> list[str]:
    """The stems of a field's words, stop words dropped."""
    return [s for s in (stem(w) for w in words(text)) if s not in STOP_STEMS]


def build_index(rows: list[dict], synonym_groups: list[list[str]]) -> ServiceIndex:
    """Analyse the services in ``rows`` (see :func:`services_catalog.search.load_rows`)."""
    entries = []
    field_terms = []
    for row in rows:
        entries.append(
            ServiceEntry(
                id=row["id"],
                key=row["key"],
                title=row["title"],
                summary=row["summary"],
                url=row["url"],
                online=row["online"],
                situation_ids=frozenset(row["situation_ids"]),
                department_id=row["department_id"],
                sort_title=sort_key(row["title"]),
            )
        )
        field_terms.append(
            {
                "title": analyse_field(row["title"]),
                "keywords": analyse_field(row["keywords"].replace(",", " ")),
                "summary": analyse_field(row["summary"]),
                "situations": analyse_field(" ".join(row["situations"])),
                "department": analyse_field(row["department"]),
                "description": analyse_field(strip_tags(row["description"])),
                "details": analyse_field(row["details"]),
            }
        )

    # Every whole word the catalog uses, as stems: what compound parts and typos may become.
    document_frequency = Counter()
    for terms in field_terms:
        document_frequency.update({t for values in terms.values() for t in values})
    synonym_phrases = [[analyse_field(word) for word in group] for group in synonym_groups]
    for group in synonym_phrases:
        for phrase in group:
            document_frequency.update(phrase)
    known = frozenset(t for t in document_frequency if len(t) >= MIN_PART and not t.isdigit())

    # The words of each service, with the editors' synonyms of what it says and the parts of its
    # compound words.
    index = ServiceIndex(entries=entries, known_stems=known)
    postings = defaultdict(dict)
    totals = Counter()
    by_first_stem = defaultdict(list)
    for group_index, group in enumerate(synonym_phrases):
        for phrase in group:
            if phrase:
                by_first_stem[phrase[0]].append((tuple(phrase), group_index))
    for position, terms in enumerate(field_terms):
        expanded = {}
        for name, values in terms.items():
            counts = Counter(values)
            for value in set(values):
                parts = split_compound(value, known) if len(value) >= 2 * MIN_PART else None
                for part in parts or ():
                    counts[part] += PART_WEIGHT
            expanded[name] = counts
        # A synonym counts in the field that says the word it stands for, a little less.
        for name in ("title", "keywords", "summary"):
            values = terms[name]
            for start, value in enumerate(values):
                for phrase, group_index in by_first_stem.get(value, ()):
                    if tuple(values[start : start + len(phrase)]) == phrase:
                        for other in synonym_phrases[group_index]:
                            if tuple(other) != phrase:
                                for term in other:
                                    expanded[name][term] += SYNONYM_WEIGHT
        lengths = {}
        for name, counts in expanded.items():
            lengths[name] = sum(counts.values())
            totals[name] += lengths[name]
            for term, frequency in counts.items():
                postings[term].setdefault(position, {})[name] = frequency
        index.lengths.append(lengths)
    count = max(len(entries), 1)
    index.average_lengths = {name: max(totals[name] / count, 1.0) for name in FIELD_WEIGHTS}
    index.postings = dict(postings)
    index.document_frequency = Counter({term: len(p) for term, p in postings.items()})
    index.vocabulary = sorted(known)
    for row in rows:
        text = " ".join(
            [row["title"], row["keywords"], row["summary"], " ".join(row["situations"])]
        )
        for word in words(text):
            folded = fold_umlauts(word)
            if len(folded) >= 4 and folded not in index.surface and not folded.isdigit():
                index.surface[folded] = stem(word)
                index.written[folded] = word
    for group in synonym_groups:
        for word in words(" ".join(group)):
            if len(word) >= 4:
                index.surface.setdefault(fold_umlauts(word), stem(word))
    index.surface_words = sorted(index.surface)
    return index


# --- Queries -----------------------------------------------------------------------------------


@dataclass
class QueryGroup:
    """One thing the citizen asked for, with the terms that may stand for it and their weight."""

    word: str
    alternatives: dict  # term -> weight


def analyse_query(query: str, index: ServiceIndex) -> list[QueryGroup]:
    """Turn a citizen's query into groups of alternative terms (see the module docstring)."""
    raw = [w for w in words(query) if w]
    particles = [w for w in raw if w in PARTICLES]
    content = [w for w in raw if w not in PARTICLES and stem(w) not in STOP_STEMS]
    if not content and raw:
        # Only stop words ("ab", "wo"): search for what was typed rather than nothing.
        content = [w for w in raw if len(w) > 1]
    groups = []
    for word in content:
        term = stem(word)
        if term in index.postings or term in index.known_stems:
            alternatives = {term: 1.0}
        else:
            parts = split_compound(fold(word), index.known_stems)
            if parts:
                groups.extend(QueryGroup(word, {part: 1.0}) for part in parts)
                continue
            alternatives = corrections(word, index)
            if not alternatives:
                alternatives = {term: 1.0}
        for particle in particles:
            joined = stem(particle + word)
            if joined in index.postings:
                alternatives[joined] = 1.2
        groups.append(QueryGroup(word, alternatives))
    return groups


def corrections(word: str, index: ServiceIndex) -> dict:
    """Known terms for an unknown word: prefix completions ("perso") and typo corrections,
    found among the catalog's words as written and mapped to their stems."""
    found = {}
    folded = fold_umlauts(word)
    if len(folded) < 4:
        return found
    start = bisect_left(index.surface_words, folded)
    completions = []
    for candidate in index.surface_words[start:]:
        if not candidate.startswith(folded):
            break
        completions.append(index.surface[candidate])
    completions = sorted(set(completions), key=lambda t: -index.document_frequency.get(t, 0))
    for term in completions[:8]:
        found[term] = PREFIX_WEIGHT
    allowed = 1 if len(folded) < 8 else 2
    matches = process.extract(
        folded, index.surface_words, scorer=distance.OSA.distance, score_cutoff=allowed, limit=5
    )
    for candidate, dist, _position in matches:
        term = index.surface[candidate]
        weight = TYPO_WEIGHT if dist == 1 else TYPO_WEIGHT * 0.8
        found[term] = max(found.get(term, 0), weight)
    return found


def fold_umlauts(word: str) -> str:
    """A written word with umlauts however written folded to the base letter (für = fuer = fur),
    for comparing spellings."""
    word = fold(word.lower())
    return re.sub(r"(?<=[a-pr-z])(ae|oe|ue)", lambda m: m.group(0)[0], word)


def rank(query: str, index: ServiceIndex) -> list[int]:
    """Positions of the entries of ``index`` that match ``query``, best first."""
    groups = analyse_query(query, index)
    if not groups:
        return []
    count = len(index.entries)
    scores = defaultdict(float)
    matched = defaultdict(int)
    for group in groups:
        best = {}
        for term, weight in group.alternatives.items():
            postings = index.postings.get(term)
            if not postings:
                continue
            frequency = len(postings)
            idf = math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))
            for position, fields in postings.items():
                lengths = index.lengths[position]
                value = 0.0
                for name, tf in fields.items():
                    norm = 1 - B + B * lengths[name] / index.average_lengths[name]
                    value += FIELD_WEIGHTS[name] * tf * (K1 + 1) / (tf + K1 * norm)
                value *= idf * weight
                if value > best.get(position, 0):
                    best[position] = value
        for position, value in best.items():
            scores[position] += value
            matched[position] += 1
    total = len(groups)
    ranked = []
    for position, score in scores.items():
        coverage = matched[position] / total
        ranked.append((score * coverage * coverage, position))
    ranked.sort(key=lambda item: (-item[0], index.entries[item[1]].sort_title))
    return [position for _score, position in ranked]


def suggestions(query: str, index: ServiceIndex, limit: int = 3) -> list[str]:
    """Words of the catalog close to what was typed, for "did you mean" when nothing was found."""
    result = []
    for word in words(query):
        folded = fold_umlauts(word)
        if stem(word) in STOP_STEMS or len(folded) < 4:
            continue
        for candidate, _dist, _pos in process.extract(
            folded, index.surface_words, scorer=distance.OSA.distance, score_cutoff=3, limit=limit
        ):
            candidate = index.written.get(candidate, candidate)
            if fold_umlauts(candidate) != folded and candidate not in result:
                result.append(candidate)
    return result[:limit]


def sort_key(title: str) -> str:
    """Sort titles the German way: umlauts with their base letter (Ärger next to Arger)."""
    return fold(unicodedata.normalize("NFC", title).lower())


def initial(title: str) -> str:
    """The letter of the A–Z list a title belongs under (Ä under A, digits under #)."""
    first = sort_key(title)[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def uses_elasticsearch() -> bool:
    """Whether the default search backend is Elasticsearch (ours or Wagtail's own)."""
    backend = settings.WAGTAILSEARCH_BACKENDS.get("default", {}).get("BACKEND", "")
    return "elasticsearch" in backend or backend == "rathaus.search_backend"
