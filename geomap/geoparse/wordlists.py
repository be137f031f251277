"""Small hand-written word lists the recognizer uses (English news conventions)."""

from __future__ import annotations

# Words before a name that announce a place ("near al-Bab", "the town of al-Rai").
CUE_PHRASES = frozenset(
    """in near at from to into outside around across towards toward via through
    inside throughout between of""".split()
) | frozenset(
    [
        "the town of",
        "the city of",
        "the village of",
        "the province of",
        "the region of",
        "the district of",
        "the capital of",
        "the neighbourhood of",
        "the neighborhood of",
        "the outskirts of",
        "the suburb of",
        "the area of",
        "the state of",
        "the county of",
        "town of",
        "city of",
        "village of",
        "province of",
        "region of",
        "district of",
        "capital of",
        "neighbourhood of",
        "neighborhood of",
        "outskirts of",
        "suburb of",
        "north of",
        "south of",
        "east of",
        "west of",
        "based in",
        "born in",
        "located in",
        "km from",
        "miles from",
        "kilometres from",
        "kilometers from",
        "near the",
        "vicinity of",
        "the vicinity of",
        "countryside of",
        "the countryside of",
        "outskirts of",
    ]
)

# Cues strong enough to call an unknown capitalised name a place (sent to the fallback).
STRONG_CUES = frozenset(
    [
        "town of",
        "city of",
        "village of",
        "neighbourhood of",
        "neighborhood of",
        "district of",
        "suburb of",
        "outskirts of",
        "the town of",
        "the city of",
        "the village of",
        "the neighbourhood of",
        "the neighborhood of",
        "the district of",
        "the suburb of",
        "the outskirts of",
    ]
)

# Verbs of war whose object is a place ("regime forces captured Barnan", "shelled Ftireh").
EVENT_VERB_CUES = frozenset(
    """captured seized shelled stormed bombed entered recaptured retook besieged struck
    overran raided targeted controlled liberated attacked hit pounded reached""".split()
)

# Nouns right after a name that make it a place, in news and coders' notes alike
# ("Maaraba town", "the Kafr Khasher frontline", "Hama countryside", "Al Burayj axis").
NAME_PLACE_NOUNS = frozenset(
    """village town city area axis front frontline countryside neighbourhood neighborhood
    district subdistrict sub-district camp plain valley hill hills mountain mountains crossing
    checkpoint airport airbase dam junction farms outskirts suburb quarter municipality
    governorate province region""".split()
)

# Nouns after "the X ..." that make X a place ("the al-Sakhour neighbourhood").
PLACE_NOUNS = frozenset(
    "neighbourhood neighborhood district quarter village town suburb camp area region".split()
)

# Lower-case words allowed inside a multi-word name ("Deir ez-Zor", "Rio de Janeiro").
CONNECTORS = frozenset(
    "al el ul ar as ash at ath ad adh az an ed es ez et er en de del della di da do dos das du "
    "des la le les of on upon am im an der den bin ibn abu bani beni y e i sur sous".split()
)

# Direction words that make a region of a place ("northern Syria").
DIRECTIONS = frozenset(
    """northern southern eastern western central north south east west
    northeastern northwestern southeastern southwestern north-eastern north-western
    south-eastern south-western northeast northwest southeast southwest
    Northern Southern Eastern Western Central""".split()
)

# A capitalised word before a name that makes it a person or an organisation.
NON_PLACE_BEFORE = frozenset(
    """Mr Mrs Ms Miss Dr Prof President Gen General Sen Senator Rep Representative Gov
    Governor Mayor Judge Justice Minister Secretary Chancellor King Queen Prince Princess
    Sheikh Lt Col Colonel Capt Captain Sgt Sergeant Officer Coach Pope Saint Rev Father
    Sister Brother Lord Lady Sir Dame Deputy Commissioner Chief Spokesman Spokeswoman
    Ambassador Detective Agent Professor Dean Superintendent Trooper Councilman
    Councilwoman Councillor Alderman Speaker Premier Emir Ayatollah Imam Rabbi Bishop
    Cardinal""".split()
)

# A capitalised word after a name that makes it an organisation or a person ("Aleppo
# University", "Washington Post"); "police", "army" and the like stay places (modifiers).
NON_PLACE_AFTER = frozenset(
    """University College School Institute Times Post Journal Herald Tribune Gazette Press
    Inc Corp Corporation Company Co Ltd LLC Group Bank FC United Rovers Wanderers Athletic
    Airlines Airways Records Studios Review Magazine Daily Weekly Observer Chronicle Sun Star
    Bulletin Examiner Courier Dispatch Telegraph Standard Express Mail Globe Monitor Register
    Republican Democrat Times-Picayune Hospital Clinic Church Cathedral Mosque Temple Hall
    Stadium Arena Center Centre Street St Avenue Ave Road Rd Boulevard Blvd Lane Drive Dr Way
    Park Square Bridge Hotel Mall Airport Station Prize Award Awards Cup Open Conference
    Convention Agreement Accord Accords Treaty Declaration Protocol Process Summit Talks Club
    Association Society Foundation Council Committee Commission Department Ministry Agency
    Office Board Court Prison Jail Base Zoo Museum Library Theatre Theater Festival Fair
    Show Games Marathon Sessions Symphony Orchestra Opera Ballet Pride Project""".split()
)

# A currency after a place name: "the US dollar", "the Hong Kong dollar" name no place.
CURRENCY_WORDS = frozenset(
    """dollar dollars pound pounds euro euros rupee rupees peso pesos ruble rubles rouble
    roubles lira liras dinar dinars riyal riyals rial rials franc francs yen yuan shilling
    shillings naira rand dirham dirhams hryvnia""".split()
)

# Words that begin many place names in the Arabic-speaking world (and their spellings), and
# the words for a neighbourhood in Portuguese, Spanish and Filipino names: "Kafr Khasher" is
# not the village called Kafr, "Vila Olavo Costa" not Port Vila, "Colonia Jardines" not
# Colonia, New Jersey. A part of an unknown name that is only one of these words says
# nothing of where it is.
GENERIC_NAME_WORDS = frozenset(
    """kafr kfar kefr tal tall tell tel ain ayn ein deir dayr der abu umm um jabal jebel jabel
    wadi bir beit bayt khirbet khirbat khirba qasr ras sheikh shaykh shaikh mazraat mazraa
    harat hay jisr marj nahr sahl qaryat tlul maarat maaret ard bab
    vila colonia barrio bairro barangay barangays morro jardim""".split()
)

# Words of GENERIC_NAME_WORDS that only begin place names (valley, hill, village, well...),
# never people's names (not Abu, Umm, Sheikh): "in Wadi al-Rabi" names a place even when
# the gazetteer lacks it.
PLACE_NAME_HEADS = frozenset(
    """kafr kfar kefr tal tall tell tel ain ayn ein deir dayr jabal jebel jabel wadi bir
    khirbet khirbat khirba qasr ras mazraat mazraa jisr marj nahr sahl qaryat tlul maarat
    maaret vila colonia barrio bairro barangay""".split()
)

# Public bodies named after the place they govern: "Ohio Department of Development" and
# "Laurel County Board of Education" name a place (news corpora annotate it); "Washington
# Post" and "Aleppo University" are organisations that carry a place name.
PUBLIC_BODIES = frozenset(
    "Department Ministry Agency Office Board Court Council Committee Commission Association"
    " Police".split()
)

# Ordinary English words that are also place names somewhere; dropped unless cued and
# prominent. Months and weekdays first.
COMMON_WORDS = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday
    human secretary am pm free
    of the a an and or but if in on at to for by with as is it its be are was were will
    would can could should may might must shall said says say also just only even still
    mark bath reading nice mobile deal hope police union street cross live lives long
    grant young golden little chance rich best well wells bay hill hills green white black
    brown gray grey rose lily ash oak pine palm beach coast park center centre north south
    east west central early late new old good great big fair hot cold summer winter spring
    fall autumn day night morning evening man woman men women people children family home
    house city town village state country nation world land island river lake sea ocean
    mountain valley way road lane avenue drive bridge church temple school college university
    hospital court
    office market bank post star sun moon sky rock stone wood woods field fields forest
    garden gardens gate port harbor harbour haven bridgewater fort mount saint saints holy
    christmas easter independence liberty victory union unity freedom justice peace war
    army navy force forces guard guards police fire water gas oil gold silver iron steel
    coal salt sugar cotton corn wheat rice tea coffee wine beer bread butter cheese milk
    honey apple orange lemon cherry berry plum peach pearl diamond ruby crystal amber
    jade coral ivory marble granite cedar maple willow elm birch laurel olive ivy holly
    hazel heather daisy violet iris jasmine poppy tulip lotus rosa flora fauna
    buffalo eagle hawk falcon raven crow swan dove lion tiger bear wolf fox deer elk moose
    horse mule ox bull cow sheep goat lamb hog boar bee ant
    media press news time times life love joy faith grace mercy charity patience prudence
    constance trinity temperance felicity harmony concord
    commerce industry enterprise progress providence paradise eden heaven hell
    friendship welcome lucky fortune fame glory
    republic kingdom empire commonwealth federation
    government parliament congress senate council cabinet ministry
    president minister governor mayor king queen prince princess duke earl lord lady
    general colonel major captain sergeant officer chief
    mission station camp base point end side top bottom middle centre center
    god jesus christ chamber liberal metro dome alliance portal law purchase
    western eastern northern southern
    man english french german spanish italian russian chinese japanese arabic
    orient occident lincoln washington jackson jefferson franklin hamilton madison monroe
    adams clinton kennedy johnson nixon carter reagan bush obama trump biden
    victoria elizabeth charlotte florence alexandria augusta columbia savannah
    jordan chad georgia israel sydney paris london berlin milan
    """.split()
) - frozenset(
    # These are far more often places than anything else in news: never treat as common.
    """jordan chad georgia israel sydney paris london berlin milan victoria columbia
    alexandria savannah florence augusta charlotte washington lincoln""".split()
)

# Sentence-initial function words and pronouns that GeoNames also has as place names.
FUNCTION_WORDS = frozenset(
    """we she he they you i it all some no not since buy this that these those there here
    what when where who why how our your my his her their its one two three any many most
    more much such then than now after before during while because although though however
    meanwhile yet so nor both each every either neither other another same over under
    about above below again further once only own too very can will just don should
    st mt ft nov dec jan feb mar apr jun jul aug sep sept oct area between among against
    around near following amid despite""".split()
)

# Common given names: a bare one is a person far more often than a place.
FIRST_NAMES = frozenset(
    """james john robert michael william david richard joseph thomas charles christopher
    daniel matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george
    timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry
    justin scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis
    jerry tyler aaron jose adam nathan henry douglas zachary peter kyle walter ethan jeremy
    harold keith christian roger noah gerald carl terry sean austin arthur lawrence jesse
    dylan bryan joe jordan billy bruce albert willie gabriel logan alan juan wayne roy ralph
    randy eugene vincent russell elijah louis bobby philip johnny mary patricia jennifer
    linda elizabeth barbara susan jessica sarah karen nancy lisa betty margaret sandra ashley
    kimberly emily donna michelle dorothy carol amanda melissa deborah stephanie rebecca
    sharon laura cynthia kathleen amy shirley angela helen anna brenda pamela nicole emma
    samantha katherine christine debra rachel catherine carolyn janet ruth maria heather
    diane virginia julie joyce victoria olivia kelly christina lauren joan evelyn judith
    megan cheryl andrea hannah martha jacqueline frances gloria ann teresa kathryn sara janice
    jean alice madison doris abigail julia judy grace denise amber marilyn beverly danielle
    theresa sophia marie diana brittany natalie isabella charlotte rose alexis kayla bill
    bob jim tom mike dave dan ron don ben sam tim ted fred ed al ken steve chris pat tony
    nick rick jeff greg doug barry levi desmond adrian bernard nicolas marshal jerome tara
    martin morris dang viktoria""".split()
)

# Verbs of speech after a name: "Hughes said" is a person (a small town rarely speaks).
SPEECH_VERBS = frozenset("said says told added noted explained wrote asked replied argued".split())

# Capitalised words that end a street or road name ("Royal Street", "Highway 403").
STREET_WORDS = frozenset(
    """Street St Avenue Ave Road Rd Boulevard Blvd Lane Drive Way Highway Hwy Close Court
    Place Terrace Crescent Parkway Pkwy Square Circle Trail Pike""".split()
)

# Last words of names of streets, buildings, parks and neighbourhoods: local places that,
# when the gazetteer lacks them, are placed at the article's main town.
FACILITY_WORDS = STREET_WORDS | frozenset(
    """Church Cathedral Chapel Mosque Temple Synagogue Park Square Village Hall Field Fields
    Point Library Bridge School Academy College University Hospital Center Centre Station
    Airport Stadium Arena Market Mall Plaza Building Tower Towers House Museum Theatre
    Theater Cemetery Garden Gardens Estate Quarter District Neighbourhood Neighborhood
    Heights Hill Hills Side Beach Pier Harbour Harbor Port Prison Jail Base Camp Farm
    Club Hotel Courthouse Capitol Campus Zoo""".split()
)

# Common surnames: a bare one without a cue is a person far more often than a place.
SURNAMES = frozenset(
    """smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez
    lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson
    white harris sanchez clark ramirez lewis robinson walker young allen king wright scott
    torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter
    roberts gomez phillips evans turner diaz parker cruz edwards collins reyes stewart
    morris morales murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed
    kelly howard ramos kim cox ward richardson watson brooks chavez wood james bennett gray
    mendoza ruiz hughes price alvarez castillo sanders patel myers long ross foster jimenez
    powell jenkins perry russell sullivan bell coleman butler henderson barnes gonzales
    fisher vasquez simmons romero jordan patterson alexander hamilton graham reynolds
    griffin wallace moreno west cole hayes bryant herrera gibson ellis tran medina aguilar
    stevens murray ford castro marshall owens harrison fernandez mcdonald woods washington
    kennedy wells vargas henry chen freeman webb tucker guzman burns crawford olson simpson
    porter hunter gordon mendez silva shaw snyder mason dixon munoz hunt hicks holmes palmer
    wagner black robertson boyd rose stone salazar fox warren mills meyer rice schmidt
    garza daniels ferguson nichols stephens soto weaver ryan gardner payne grant dunn
    kelley spencer hawkins arnold pierce vazquez hansen peters santos hart bradley knight
    elliott cunningham duncan armstrong hudson carroll lane riley andrews alvarado ray
    delgado berry perkins hoffman johnston matthews pena richards willis carpenter lawrence
    sandoval manning webster rhodes burton lincoln barr bassett""".split()
)

# Organisations whose names are also place names somewhere.
ORGANISATIONS = frozenset(
    """hamas hezbollah hizbollah taliban fatah nato opec isis isil daesh toyota xinhua irna
    reuters interfax tass anadolu""".split()
)

# Multi-word names that are institutions, not places.
INSTITUTIONS = frozenset(["white house", "supreme court", "high court", "security council"])

MONTHS_AND_DAYS = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat
    sun""".split()
)
