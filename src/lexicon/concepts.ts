/**
 * The built-in concepts, data only. A concept is the hyponym + instance-hyponym closure of its
 * roots in WordNet 3.1 (each root named by a lemma and a substring of its gloss, which must pick
 * exactly one noun synset), minus the closures of `without`, minus `exclude` words, plus `extra`
 * words (curated where WordNet is thin). Word lists are comma-separated strings.
 */

/** A WordNet noun synset: one of the lemma's senses whose gloss contains `gloss`, or an offset. */
export type RootRef = { lemma: string; gloss: string } | { offset: number };

/** A curated word: its WordNet sense picked by a gloss substring, or its own gloss. */
export interface ExtraWord {
  word: string;
  /** Substring of the gloss of the word's WordNet noun sense (must match exactly one). */
  sense?: string;
  /** The definition, for a word WordNet lacks (or whose WordNet senses are all wrong here). */
  gloss?: string;
}

export interface ConceptDef {
  name: string;
  label: string;
  roots: RootRef[];
  /** Subtrees left out of the closure. */
  without?: RootRef[];
  /** Keep capitalised lemmas (names: Phobos, France); otherwise dropped (Latin binomials). */
  proper?: boolean;
  /** Curated words; a plain string takes the word's most frequent WordNet noun sense. */
  extra?: (string | ExtraWord)[];
  exclude?: string[];
}

const r = (lemma: string, gloss: string): RootRef => ({ lemma, gloss });
const list = (words: string): string[] =>
  words
    .split(",")
    .map((w) => w.trim())
    .filter((w) => w.length > 0);
/** Curated words WordNet lacks, all sharing one gloss. */
const glossed = (gloss: string, words: string): ExtraWord[] =>
  list(words).map((word) => ({ word, gloss }));

export const CONCEPTS: ConceptDef[] = [
  {
    name: "fruit",
    label: "fruit",
    roots: [r("edible fruit", "edible reproductive body")],
    extra: list("apple, banana, pear, peach, plum, cherry, grape, strawberry, mango, pineapple"),
    exclude: list(
      "date, orange, lime, olive, kiwi, plantain, ugli, tangerine, sorb, quince, fig, raspberry",
    ),
  },
  {
    name: "vegetables",
    label: "vegetables",
    roots: [r("vegetable", "edible seeds or roots")],
    exclude: list(
      "veg, green, greens, pulse, root, leaf, stalk, head, shoot, sprout, truffle, plantain",
    ),
  },
  {
    name: "snow-sports",
    label: "snow sports",
    roots: [r("skiing", "travel on skis"), r("sledding", "riding on a sled")],
    extra: [
      ...list(
        "snowboarding, slalom, giant slalom, ski jump, luge, bobsled, bobsleigh, toboggan, ski",
      ),
      ...list("snowboard, snowshoe, ski pole, ski boot, ski lift, ski run, ski slope, ski resort"),
      ...list("ski binding, ski wax, ski lodge, chairlift, snowmobile, sled, sledge, skier"),
      ...glossed(
        "a winter sport or activity on snow",
        "snowshoeing, biathlon, ice climbing, downhill skiing, alpine skiing, nordic skiing, telemark, freestyle skiing, ski touring, snowmobiling, heli-skiing, dogsledding, skijoring, ski mountaineering, snowkiting, halfpipe, snowboarder, apres-ski, mogul skiing",
      ),
      ...glossed(
        "skiing on a kind of snow or terrain, a winter sport",
        "powder skiing, backcountry skiing, off-piste skiing, glacier skiing, night skiing, speed skiing, ski racing, ski cross, snowboard cross, big air, slopestyle, super-g, parallel slalom, sled racing, snowboard racing",
      ),
      ...glossed(
        "a piece of gear for skiing or snowboarding",
        "ski goggles, ski helmet, ski jacket, ski gloves, ski bag, snowboard boot, snowboard binding, ski skin, avalanche beacon, ski rack",
      ),
      ...glossed(
        "a place or service at a ski resort, where people ski and snowboard",
        "ski area, ski school, ski patrol, ski instructor, ski pass, ski trail, bunny slope, terrain park, gondola lift, rope tow, ski chalet, piste map, snow groomer",
      ),
    ],
  },
  {
    name: "sports",
    label: "sports and ball games",
    roots: [r("sport", "active diversion requiring physical exertion")],
    without: [
      r("skiing", "travel on skis"),
      r("sledding", "riding on a sled"),
      r("ice skating", "skating on ice"),
    ],
    exclude: list(
      "sport, athletics, game, ball, steal, doubles, singles, contact sport, outdoor sport, play, mark",
    ),
  },
  {
    name: "astrology",
    proper: true,
    label: "astrology",
    roots: [
      r("sign of the zodiac", "one of 12 equal areas"),
      r("astrology", "pseudoscience"),
      r("astrologer", "positions of the planets"),
    ],
    exclude: list(
      "sign, house, mansion, virgin, twins, scales, archer, goat, bull, ram, crab, fish, lion, scorpion, water bearer, balance",
    ),
    extra: [
      ...list("zodiac, horoscope, ascendant, star sign"),
      ...glossed(
        "a term of astrology",
        "natal chart, birth chart, sun sign, moon sign, rising sign, zodiac sign, birth sign, astrological sign, cusp, trine, sextile, quincunx, midheaven, decan, ephemeris, synastry, water sign, fire sign, earth sign, air sign, cardinal sign, fixed sign, mutable sign, lunar node, saturn return, planetary aspect, chart ruler, descendant, imum coeli, natal horoscope, zodiac wheel, horoscope reading, astrological house, retrograde motion, star chart",
      ),
      ...glossed(
        "a forecast that astrologers write for the people born under a zodiac sign",
        "daily horoscope, weekly horoscope, love horoscope, horoscope column, star forecast",
      ),
      ...glossed(
        "a chart of the planets and zodiac signs that an astrologer draws and reads",
        "astrological chart, horary chart, composite chart, progressed chart, nativity chart, astral chart, relationship chart",
      ),
      ...glossed(
        "a branch of astrology, the reading of the stars and planets as influences on people",
        "vedic astrology, horary astrology, mundane astrology, electional astrology, medical astrology, sidereal astrology, jyotish, astrocartography, horoscopic astrology",
      ),
      ...glossed(
        "an angle between two planets in a birth chart that astrologers read as an influence",
        "grand trine, stellium, yod, square aspect, opposition aspect, conjunction aspect, semisextile, sesquiquadrate",
      ),
      ...glossed(
        "a point or placement in a birth chart that an astrologer interprets",
        "north node, south node, vertex point, venus placement, mars placement, moon placement, house cusp, ruling planet, chart pattern, lunar nodes",
      ),
      ...glossed(
        "a period that astrologers say shapes everyone's mood and luck",
        "mercury retrograde, venus retrograde, eclipse season, aries season, scorpio season, leo season, solar return, lunar return, zodiac season",
      ),
      ...glossed(
        "a division of the zodiac or of the sky used by astrologers",
        "nakshatra, lunar mansion, first house, seventh house, tenth house, twelfth house, zodiac belt, sun house",
      ),
      ...glossed(
        "a reading or service offered by an astrologer",
        "astrology reading, chart reading, zodiac compatibility, astrology column, star reader, zodiac reader, horoscope writer",
      ),
    ],
  },
  {
    name: "prophecy",
    proper: true,
    label: "prophetic language",
    roots: [
      r("prophecy", "knowledge of the future"),
      r("prediction", "statement made about the future"),
      r("augury", "indicating important things to come"),
      r("prophet", "authoritative person who divines the future"),
      r("fortuneteller", "foretells your personal future"),
      r("fate", "will inevitably happen in the future"),
      r("presentiment", "feeling of evil to come"),
    ],
    without: [r("forecast", "how something (as the weather) will develop")],
    exclude: list(
      "sign, prediction, forecast, prognosis, forecasting, ruin, end, day, word, doom, meteorology, weather forecasting, extropy, inevitable, war cloud",
    ),
    extra: [
      ...list(
        "harbinger, premonition, foresight, clairvoyance, second sight, crystal ball, tarot, precognition, providence, kismet",
      ),
      ...list(
        "apocalypse, vision, prescience, foreknowledge, forewarning, clairvoyant, diviner, soothsayer, omen, portent",
      ),
      ...glossed(
        "a term of prophecy and divination",
        "foreteller, prophesying, scrying, tarot card, tea leaves, tarot reading, oracle bones, crystal gazing, numerology, geomancy, haruspex, sortilege, rune casting, prophetic dream, fortune cookie, doomsayer, end times, prognosticator",
      ),
      ...glossed(
        "a way of divining the future from signs, a practice of fortune-tellers and seers",
        "cartomancy, tasseography, bone casting, pendulum dowsing, rune reading, tea reading, i ching, ouija board, spirit board, card reading",
      ),
      ...glossed(
        "a person who foretells the future or reads omens",
        "palm reader, tarot reader, card reader, crystal gazer, rune caster, dream interpreter, psychic medium, visionary seer, oracle priestess",
      ),
      ...glossed(
        "a foretelling of what is fated to happen, in prophetic language",
        "dire prophecy, ancient prophecy, prophetic vision, prophetic utterance, prophetic warning, foretold doom, dark omen, ill omen, good omen, bad omen, prophetic words, divine revelation, fated hour, chosen one",
      ),
    ],
  },
  {
    name: "planets-moons",
    proper: true,
    label: "planets and moons",
    roots: [
      r("planet", "nine large celestial bodies"),
      r("satellite", "celestial body orbiting around a planet"),
      r("moon", "natural satellite of the Earth"),
    ],
    exclude: list(
      "world, globe, evening star, morning star, daystar, hesperus, vesper, lucifer, phosphorus, galilean",
    ),
    extra: [
      ...glossed("a moon of Saturn", "enceladus, mimas, tethys, dione, iapetus, hyperion, phoebe"),
      ...glossed("a moon of Uranus", "oberon, titania, umbriel, miranda"),
      ...glossed("a moon of Neptune", "nereid, proteus"),
      ...glossed("the largest moon of Pluto", "charon"),
      ...list("asteroid, planetoid"),
      ...glossed(
        "a kind of planet",
        "dwarf planet, gas giant, ice giant, exoplanet, inner planet, outer planet, red planet, ringed planet",
      ),
    ],
  },
  {
    name: "foods",
    label: "prepared foods",
    roots: [
      r("dish", "particular item of prepared food"),
      r("baked goods", "cooked in an oven"),
      r("cheese", "pressed curd"),
    ],
    exclude: list(
      "dish, mold, mould, course, sweet, afters, bread, roll, base, starter, goody, dainty, treat, kickshaw, delicacy, spread, plate",
    ),
  },
  {
    name: "allergies",
    label: "allergies and allergens",
    roots: [
      r("allergy", "hypersensitivity reaction"),
      r("allergen", "substance that can cause an allergy"),
    ],
    extra: [
      ...list(
        "hay fever, anaphylaxis, hives, urticaria, antihistamine, histamine, pollen, dander, eczema, hypersensitivity",
      ),
      ...list(
        "anaphylactic shock, allergic rhinitis, angioedema, dust mite, epinephrine, atopic dermatitis, atopy, pollinosis",
      ),
      ...glossed(
        "an allergy",
        "peanut allergy, food allergy, nut allergy, shellfish allergy, milk allergy, egg allergy, wheat allergy, soy allergy, latex allergy, penicillin allergy, drug allergy, dust allergy, pet allergy, cat allergy, pollen allergy, sesame allergy, fish allergy, insect allergy",
      ),
      ...glossed(
        "a common allergen",
        "pet dander, tree pollen, grass pollen, mould spores, bee venom",
      ),
      ...glossed("an allergy treatment", "epipen, allergy shot"),
    ],
  },
  {
    name: "mammals",
    label: "mammals",
    roots: [r("mammal", "warm-blooded vertebrate")],
    exclude: list("queen, placental, ram, buck, doe, game, kid, pup, stock"),
  },
  {
    name: "reptiles-amphibians",
    label: "reptiles and amphibians",
    roots: [r("reptile", "class Reptilia"), r("amphibian", "breeding in water")],
  },
  {
    name: "birds",
    label: "birds",
    roots: [r("bird", "egg-laying vertebrates")],
    exclude: list("bird, twitterer, cock, hen"),
  },
  { name: "fish", label: "fish", roots: [r("fish", "aquatic vertebrates")], exclude: list("fish") },
  {
    name: "insects",
    label: "insects",
    roots: [r("insect", "air-breathing arthropod")],
    exclude: list("insect, queen, imago, pupa"),
  },
  {
    name: "vehicles",
    label: "land vehicles",
    roots: [r("wheeled vehicle", "moves on wheels")],
    exclude: list("car, vehicle, wheeled vehicle, wagon"),
  },
  {
    name: "ships",
    label: "ships and boats",
    roots: [
      r("ship", "carries passengers or freight"),
      r("boat", "small vessel for travel on water"),
    ],
  },
  { name: "aircraft", label: "aircraft", roots: [r("aircraft", "vehicle that can fly")] },
  {
    name: "musical-instruments",
    label: "musical instruments",
    roots: [r("musical instrument", "produce musical tones")],
    exclude: list("instrument, wind, wood, brass, reed"),
  },
  {
    name: "weather",
    label: "weather",
    roots: [r("atmospheric phenomenon", "associated with the atmosphere")],
  },
  {
    name: "tools",
    label: "tools",
    roots: [r("tool", "implement used in the practice of a vocation")],
  },
  {
    name: "furniture",
    label: "furniture",
    roots: [r("furniture", "make a room or other area ready")],
  },
  { name: "clothing", label: "clothing", roots: [r("clothing", "covering designed to be worn")] },
  {
    name: "professions",
    label: "professions",
    roots: [
      r("professional", "learned professions"),
      r("skilled worker", "has acquired special skills"),
    ],
  },
  {
    name: "countries",
    proper: true,
    label: "countries",
    roots: [r("country", "territory occupied by a nation")],
  },
  {
    name: "cities",
    proper: true,
    label: "cities",
    roots: [r("city", "densely populated urban area")],
  },
  {
    name: "diseases",
    label: "diseases",
    roots: [r("disease", "impairment of health")],
    exclude: list("cancer"),
  },
  {
    name: "finance",
    label: "finance and money",
    roots: [
      r("finance", "providing funds and capital"),
      r("money", "medium of exchange"),
      r("financial institution", "collects funds"),
    ],
  },
  {
    name: "computing",
    label: "computing",
    roots: [
      r("computer", "performing calculations automatically"),
      r("software", "written programs"),
    ],
  },
  { name: "buildings", label: "buildings", roots: [r("building", "roof and walls")] },
  {
    name: "body-parts",
    label: "body parts",
    roots: [
      r("external body part", "visible externally"),
      r("internal organ", "situated inside the body"),
    ],
  },
  {
    name: "gemstones",
    label: "gemstones",
    roots: [r("gem", "crystalline rock"), r("jewel", "precious or semiprecious stone")],
  },
  { name: "flowers", label: "flowers", roots: [r("flower", "cultivated for its blooms")] },
  {
    name: "trees",
    label: "trees",
    roots: [r("tree", "tall perennial woody plant")],
    without: [r("fruit tree", "bearing edible fruit")],
  },
  {
    name: "kitchenware",
    label: "kitchenware",
    roots: [r("kitchen utensil", "preparing food"), r("cookware", "does not melt easily")],
  },
  { name: "beverages", label: "beverages", roots: [r("beverage", "liquid suitable for drinking")] },
  { name: "emotions", label: "emotions", roots: [r("emotion", "any strong feeling")] },
  {
    name: "family",
    label: "family relations",
    roots: [r("relative", "related by blood or marriage")],
  },
  {
    name: "chemical-elements",
    label: "chemical elements (non-metals)",
    roots: [r("chemical element", "more than 100 known substances")],
    without: [r("metallic element", "shiny solids")],
  },
  {
    name: "metals",
    label: "metals and alloys",
    roots: [r("metallic element", "shiny solids"), r("alloy", "two or more metallic elements")],
  },
  { name: "weapons", label: "weapons", roots: [r("weapon", "used in fighting or hunting")] },
  { name: "dances", label: "dances", roots: [r("dancing", "rhythmical steps")] },
  {
    name: "games",
    label: "board and card games",
    roots: [r("board game", "specially designed board"), r("card game", "playing cards")],
  },
  { name: "fabrics", label: "fabrics", roots: [r("fabric", "weaving or felting")] },
  {
    name: "mountains",
    proper: true,
    label: "mountains",
    roots: [r("mountain", "land mass that projects")],
  },
  { name: "rivers", proper: true, label: "rivers", roots: [r("river", "natural stream of water")] },
  { name: "colors", label: "colors", roots: [r("chromatic color", "color that has hue")] },
];
