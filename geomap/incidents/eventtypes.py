"""ACLED event types and sub-types from keyword/pattern rules over one sentence.

Each rule names the (event_type, sub_event_type) it gives; the rules are tried in priority
order and the first one that fires wins, so a sentence with an air strike and "clashes"
is an air strike, and protesters throwing stones make a riot rather than a protest. A
trigger inside a modal or hypothetical phrase ("could launch airstrikes", "called for a
ceasefire", "threatened to arrest") does not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["EVENT_TYPES", "GENERIC_RULES", "TypeHit", "classify_sentence", "escalate_protest"]

#: Rules that only say someone was killed or attacked ("three soldiers were killed"): the
#: report's more specific sentence ("a Russian air strike hit ...") gives the type.
GENERIC_RULES = frozenset(
    {"attack-on-armed", "attack-on-civilians", "perpetrator-attack", "shooting"}
)

#: The ACLED taxonomy geomap uses: event_type -> sub_event_types.
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Suicide bomb",
        "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

_EXP, _BAT, _VAC = "Explosions/Remote violence", "Battles", "Violence against civilians"
_PRO, _RIOT, _STRAT = "Protests", "Riots", "Strategic developments"

_PROTESTERS = (
    r"(?:protesters|protestors|demonstrators|marchers|crowds?|rally|protest|demonstration"
    r"|supporters|students|residents|traders|workers|youths|villagers)"
)
_FORCES = r"(?:police|security forces|riot police|gendarmes?|troops|soldiers|guards|officers)"
_GOV = (
    r"(?:army|government|regime|troops|soldiers|military|forces loyal|pro-government|state forces"
    r"|SAA|Syrian (?:Arab )?Army|Tiger Forces|Hezbollah|loyalist)"
)
_NONSTATE = (
    r"(?:rebels?|militants?|fighters|insurgents|jihadists|Islamic State|ISIS|ISIL|IS|Daesh"
    r"|militia|group|opposition|Taliban|al-Shabaab|Hayat Tahrir|Nusra|YPG|SDF|PKK|FSA)"
)
_TERRAIN = (
    r"(?:the |a |an )?(?:\w+ )?(?:town|village|city|district|area|hill|hilltop|base|airbase"
    r"|airport|checkpoint|neighbou?rhood|territory|control|positions?|outpost|crossing|[A-Z])"
)
# People who bear arms: an attack on them is a battle, on anyone else violence against
# civilians (ACLED's distinction).
_ARMED = (
    r"(?:soldiers?|troops|fighters?|militants?|militiam[ae]n|militias?|rebels?|insurgents?"
    r"|gunm[ae]n|policem[ae]n|police(?:wom[ae]n| officers?| personnel| post| station)?"
    r"|officers?|servicem[ae]n|personnel|guards?|members? of (?:the )?(?:\w+ ){0,4}"
    r"(?:forces|army|militia|group|police|brigade|battalion|faction|units?)|commanders?"
    r"|recruits?|reservists?|combatants?|elements|jihadists?|terrorists?|positions?|checkpoints?"
    r"|lieutenants?|captains?|colonels?|sergeants?|tanks?"
    r"|check points?|posts?"
    r"|convoys?|patrols?|bases?|barracks|outposts?|military vehicles?|(?:[\w-]+ )?forces"
    r"|army|SAA|QSD|SDF|YPG|HTS|IS|ISIS|Taliban|al-Shabaab|Shabaab|Houthis?|NAF|Wagner"
    r"|(?:[A-Z][\w-]* ){0,3}(?:fighters?|members?|militants?|soldiers?|Units|Division"
    r"|Brigades?|Battalions?|Regiments?|Guard))"
)
_CIVILIANS = (
    r"(?:civilians?|villagers?|farmers?|shepherds?|worshipp?ers|children|child|boys?|girls?"
    r"|wom[ae]n|m[ae]n|persons?|people|residents?|passengers|journalists?|reporters?"
    r"|activists?|teachers?|students?|doctors?|nurses?|traders?|merchants?|businessm[ae]n"
    r"|drivers?|pastoralists?|herders?|herdsm[ae]n|fisherm[ae]n|family|families|relatives?|brothers?|sons?|daughters?"
    r"|wife|husband|elders?|chiefs?|leaders?|officials?|candidates?|politicians?|councill?ors?"
    r"|businesswom[ae]n|shopkeepers?"
    r"|MPs?|MCAs?|lawyers?|judges?|priests?|imams?|clerics?|aid workers?|workers?|refugees?"
    r"|IDPs|migrants?|prisoners?|detainees?|captives?|hostages?|suspects?|thie(?:f|ves)"
    r"|individuals?|youths?|teenagers?|minors?|informants?|criminals?|herdsm[ae]n"
    r"|employees?|staff(?:ers)?|vendors?|hawkers?|operators?|riders?|patients?|tourists?"
    r"|pedestrians?|voters?|a (?:local|young|former|retired|suspected) \w+)"
)
_KILL_VERB = (
    r"(?:killed|killing|kill|kills|shot(?: and (?:killed|wounded|injured))?|shooting|shoots|shoot"
    r"|shot dead|gunned down|assassinated|assassinate|executed|murdered|stabbed|hacked"
    r"|beheaded|slaughtered|attacked|attack|attacks|attacking|assaulted|ambushed|ambush"
    r"|targeted|targeting|wounded|injured|opened fire (?:on|at)|fired (?:shots |bullets )?"
    r"(?:on|at|upon)|shot at|fire at|killed by|raided|stormed|abducted|tortured|beat(?:en)?)"
)
# "soldiers were killed", "2 soldiers killed in ...": the victims, not the attackers.
_PASSIVE = (
    rf"(?:(?:were|was|had been|have been|has been|are|is|got) (?:\w+ )?{_KILL_VERB}\b"
    rf"|{_KILL_VERB} (?=(?:in|by|during|near|after|when|while|at|on)\b)|{_KILL_VERB}(?=\s*[,;]))"
)
_DET = r"(?:(?:a|an|the|two|three|four|five|six|seven|eight|nine|ten|\d+|several|some|many"
_DET += r"|dozens of|scores of|at least \w+|one|\w+'s|his|her|their)\s+)?"
_ADJS = r"(?:(?!(?:by|from|in|on|at|during|near|after|while|when|who|which|that)\b)"
_ADJS += r"[\w'-]+\s+){0,6}?"

# (event_type, sub_event_type, rule name, pattern); order is priority.
_RULES: tuple[tuple[str, str, str, str], ...] = (
    (_EXP, "Chemical weapon", "chemical",
     r"\bchemical (?:weapons? )?(?:attack|strike|weapons? (?:were |was )?used)|\bchlorine\b"
     r"|\bsarin\b|\bnerve (?:gas|agent)\b|\btoxic gas\b|\bpoison(?:ous)? gas\b"),
    (_EXP, "Suicide bomb", "suicide-bomb",
     r"suicide (?:car |truck )?(?:bomb(?:er|ing)?s?|attack(?:er)?s?|vest)|\bSVBIEDs?\b"
     r"|blew (?:him|her|them)sel(?:f|ves) up|\bself-detonat"),
    (_STRAT, "Disrupted weapons use", "disrupted-weapons",
     r"\b(?:defused|dismantled|disarmed|deactivated|neutrali[sz]ed|safely detonated|cleared)\b"
     r"[^.;]{0,40}\b(?:bombs?|IEDs?|explosives?|devices?|mines?|landmines?|rockets?)\b"
     r"|\b(?:discover(?:ed|s)?|found|find|finds)\b[^.;]{0,30}\b(?:bombs?|IEDs?|explosive devices?"
     r"|grenades?)\b[^.;]{0,40}\b(?:disarm|defuse|dismantle)"
     r"|\b(?:bombs?|IEDs?|explosives?|devices?|mines?)\b[^.;]{0,30}\b(?:were|was) (?:defused"
     r"|dismantled|disarmed|found|discovered|seized|detonated in a controlled)"
     r"|\b(?:shot|brought) down (?:a |an |two |\d+ )?(?:\w+ )?(?:drones?|UAVs?|aircraft|planes?"
     r"|helicopters?)|\bintercepted (?:a |an |two |\d+ )?(?:\w+ )?(?:drones?|UAVs?|missiles?"
     r"|rockets?)|\b(?:seized|confiscated|recovered) (?:a |an |\d+ )?(?:cache|weapons|arms"
     r"|ammunition|explosives)"
     r"|\b(?:seized|confiscated|recovered|discovered|found) (?:[\w,-]+ ){0,4}(?:pistols|rifles"
     r"|firearms|guns|weapons|arms|ammunition|rounds|cartridges|grenades|magazines)\b"
     r"|\b(?:pistols|rifles|firearms|guns|weapons|ammunition|cartridges|revolvers)\b[^.;]{0,80}"
     r"\b(?:were|was) (?:\w+ )?(?:seized|confiscated|recovered|discovered|found)\b"),
    (_EXP, "Grenade", "grenade",
     r"\bgrenades?\b(?! launchers?)|\b(?:hurled|threw|lobbed) (?:an? )?(?:\w+ )?explosives?\b"),
    (_EXP, "Remote explosive/landmine/IED", "ied",
     r"\b(?:IEDs?\b|improvised explosive|roadside bombs?|car bombs?|truck bombs?|land ?mines?"
     r"|explosive device|booby[- ]trap|sticky bomb|magnetic bomb|planted (?:a )?bomb"
     r"|motorcycle bomb|VBIEDs?\b|explosive-laden|mines? (?:exploded|blast)"
     r"|[\w]+-planted (?:land ?)?mines?\b|\bhit (?:by )?an? (?:[\w-]+ )?(?:land ?)?mine\b"
     r"|(?:bomb|device|mine|explosives?) (?:exploded|detonated|went off|blew up|blast))"
     r"|\b(?:bomb|explosive) (?:attack|blast|explosion)|\bexplosion\b|\bblast\b"
     r"|\bdetonated\b|\bexploded\b"),
    (_EXP, "Air/drone strike", "air-strike",
     r"\bair ?strikes?\b|\bair ?raids?\b|\bwarplanes?\b|\bdrone (?:strikes?|attacks?)"
     r"|\baerial (?:bombardment|attacks?|bombing)|\bbombing raids?\b|\bbarrel bombs?\b"
     r"|\b(?:jets?|aircraft|helicopters?|choppers?|drones?|UAVs?|planes?) (?:struck|bombed|hit"
     r"|pounded"
     r"|targeted|attacked|shelled|carried out|conducted|fired|dropped)"
     r"|\b(?:struck|hit|bombed|targeted) by (?:\w+ ){0,2}(?:jets|aircraft|warplanes|drones?)"
     r"|\braids? by (?:[\w'’-]+ ){0,3}(?:jets|aircraft|warplanes|helicopters|choppers|drones)\b"
     r"|\bair (?:attacks?|bombardment)|\bbombed\b|\bairstrikes?\b|\bkamikaze drones?"
     r"|\b(?:Russian|Syrian|regime|government|coalition|Turkish|Israeli|US|American|Saudi"
     r"|Ukrainian|Iraqi) (?:\w+ )?(?:jets|aircraft|planes|drones)\b"),
    (_EXP, "Shelling/artillery/missile attack", "shelling",
     r"\bshell(?:ing|ed|s)\b|\bartillery\b|\bmortars?\b|\brockets?\b|\bmissiles?\b"
     r"|\bbombard(?:ed|ment|ing)?\b|\bhowitzers?\b|\bprojectiles?\b|\bheavy weapons\b"
     r"|\bpound(?:ed|ing)'? (?:the |a |an )?(?:[\w-]+ ){0,3}(?:positions?|bases?|towns?|villages?"
     r"|city|areas?|district|neighbou?rhoods?|(?-i:[A-Z]))"
     r"|\b(?:MLRS|Grad|Katyusha|tank fire|tank rounds|RPGs?)\b|\bshells\b|\bexplosions\b"
     r"|\bbursts? of fire\b"),
    (_PRO, "Excessive force against protesters", "force-on-protesters",
     rf"{_FORCES}\b[^.;]{{0,80}}(?:opened fire|fired live|live (?:ammunition|rounds|fire)"
     rf"|shot (?:and killed|dead)|killing)[^.;]{{0,80}}{_PROTESTERS}"
     rf"|{_PROTESTERS}\b[^.;]{{0,60}}(?:were |was )?(?:shot dead|killed) by {_FORCES}"),
    (_RIOT, "Mob violence", "mob",
     r"\bmobs?\b[^.;]{0,60}(?:attack(?:ed|s)|beat|beats|kill(?:ed|s)|storm(?:ed|s)"
     r"|lynch(?:ed|es)|torch(?:ed|es)|set fire|burn(?:ed|s)|burnt|injured|assaulted|clashed)"
     r"|(?:attacked|beaten|killed|lynched|burnt|burned)"
     r" (?:\w+ ){0,3}by (?:an? )?(?:angry )?mob|\blynch(?:ed|es)?\b|\bmob justice\b"
     r"|\bvigilantes? (?:attacked|killed|beat)|\bangry (?:youths|residents|villagers|crowd)"
     r"|\b(?:residents|villagers|youths) (?:lynch|attack|beat|torch|burn)(?:ed|ing)?\b"
     r"|\b(?:residents|villagers|youths|crowds?|traders|community members|locals)\b[^.;]{0,60}"
     r"\b(?:beat up|lynched"
     r"|burnt to death|burned to death|stoned)\b"
     r"|\bset (?:\w+ ){0,2}(?:alight|ablaze|on fire)\b"
     r"|\b(?:fights?|brawls?|scuffles?) (?:broke out|erupted)\b"),
    (_RIOT, "Violent demonstration", "violent-demonstration",
     r"(?:threw|hurled|throwing|hurling|pelted|pelting|pelts?) (?:\w+ ){0,3}(?:stones|rocks"
     r"|petrol bombs"
     r"|molotov|fireworks|bottles|missiles)|\brioters?\b|\briot(?:s|ed|ing)?\b(?! (?:police"
     r"|gear|squad|shields?|control))|\b(?:protesters|demonstrators|protestors|rioters"
     r"|supporters|students|youths)\b[^.;]{0,60}(?:set fire|torched|smashed|ransacked"
     r"|vandali[sz](?:ed|es?)\b|burnt|burned|clashed|attacked|stormed|destroyed)"
     r"|\bburn(?:ed|t|ing)? (?:\w+ )?tyres\b|\bbarricad(?:ed|es)\b|\bviolent (?:protests?"
     r"|demonstrations?)|\b(?:go|goes|went|gone|going) on (?:a |the )?\W?rampage\b"
     r"|\brunning battles?\b"
     r"|\b(?:throws|hurls|throw|hurl) (?:\w+ ){0,3}(?:stones?|rocks?|petrol bombs?|molotov"
     r"|bottles?)|\bclash(?:es|ed)? (?:\w+ ){0,3}between (?:[\w-]+ ){0,3}(?:protesters"
     r"|demonstrators|protestors|rioters)\b|\b(?:protests?|demonstrations?)\b[^.;]{0,80}"
     r"\b(?:escalating violence|turned violent)"),
    (_PRO, "Protest with intervention", "protest-intervention",
     rf"(?:{_PROTESTERS}|protests?)\b[^.;]{{0,100}}(?:tear ?gas|water cannons?|rubber bullets"
     rf"|dispersed|broke up|batons|detained|arrested)"
     rf"|(?:tear ?gas|water cannons?|dispersed|broke up)[^.;]{{0,60}}{_PROTESTERS}"
     rf"|{_FORCES}[^.;]{{0,40}}\b(?:dispersed|broke up)\b"
     rf"|\b(?:were|was) (?:forcibly |violently )?dispersed by\b"),
    (_PRO, "Peaceful protest", "protest",
     r"\bprotest(?:ed|ers|ors|s|ing|d)?\b|\bdemonstrat(?:ion|ions|ors|ed|e|es|ing)\b|\bdemos\b"
     r"|\bpoured (?:in)?to the streets\b"
     r"|\brall(?:y|ied|ies)\b|(?-i:\bmarch(?:ed|ers|es|ing)?\b)|\bsit-ins?\b|took to the streets"
     r"|\bpicket(?:ed|s|ing)?\b|\bmotorcade\b|\b(?:gathered|assembled|staged|held) (?:\w+ ){0,12}"
     r"(?:to (?:demand|protest|denounce|condemn|call for|express|oppose|support|reject"
     r"|draw attention|press for|mark|commemorate|show)|demanding|calling for|denouncing"
     r"|against|in (?:support|solidarity))|\bon strike\b|\bstrike action\b|\bwent on strike\b"
     r"|\bboycott(?:ed)?\b|\bvigil\b"
     r"|\bblock(?:ed|s|ing)? (?:the |a |an )?(?:[\w'’-]+ ){0,3}(?:road|highway|street|roads"
     r"|entrance|rails"
     r"|railway|tracks|bridge)\b"),
    (_VAC, "Sexual violence", "sexual-violence",
     r"\b(?:gang-)?rap(?:ed|es|ing|e)\b|\bsexual(?:ly)? (?:assault|abuse|violence|harass)"),
    (_VAC, "Abduction/forced disappearance", "abduction",
     r"\bkidnapp(?:ed|ing|s)?\b|\babduct(?:ed|ion|ing|s)?\b|taken hostage|forcibly disappeared"
     r"|\b(?:hold|holds|held|holding) (?:\w+ ){1,3}hostage\b"
     r"|\bkidnap\b|\bwent missing\b"),
    (_STRAT, "Headquarters or base established", "base-established",
     r"(?:set up|established|establish|opened|built|erected|placed|installed) (?:a |an |its "
     r"|their |two |\d+ )?(?:new )?(?:military )?(?:base|headquarters|outposts?|garrison"
     r"|check ?points?|posts?|positions|fortifications)"
     r"|(?:took over|moved into|occupied) (?:a |an |the )?(?:abandoned |former )?"
     r"(?:military |air ?)?(?:base|headquarters|barracks)"
     r"|\btransform(?:ed)? (?:\w+ ){0,5}into (?:a |an )?(?:military )?(?:barracks|base"
     r"|headquarters)"
     r"|\b(?:established|created|set up|built) (?:[\w-]+ ){0,4}(?:bases|barracks|outposts)\b"
     r"|\b(?:created|built) (?:a |an )(?:new )?(?:military )?base\b"),
    (_BAT, "Government regains territory", "regain-territory",
     rf"\b(?:recaptured|retook|regained control|retaken|won back|took back|liberated)\b"
     rf"|{_GOV}\b[^.;]{{0,60}}(?:captured|capturing|seized|took control of"
     rf"|gained control (?:of|over)"
     rf"|(?:achieved|established|imposed) (?:\w+ )?control (?:of|over)"
     rf"|took (?:the |control of the )?(?:towns?|villages?|city|areas?|hills?) of"
     rf"|took over|entered|advanced (?:into|on)|regained|restored control) {_TERRAIN}"),
    (_BAT, "Non-state actor overtakes territory", "overtake-territory",
     rf"\b(?:captured|capturing|seized|took (?:full |complete )?cont(?:ro|ol)l? (?:of|over|on)"
     rf"|(?:achieved|established|imposed) (?:\w+ )?control (?:of|over)"
     rf"|took (?:the |control of the )?(?:towns?|villages?|city|areas?|hills?) of"
     rf"|gained control (?:of|over)|overran|stormed|took over|overtook|overtakes|advanced (?:into"
     rf"|on)) {_TERRAIN}|\b(?:managed to|were able to|was able to) (?:re)?(?:gain |take )?"
     rf"(?:the )?control\b|\bcontrolled (?:\w+ ){{0,4}}(?:village|town|area|hill|villages"
     rf"|towns)\b|\bexpanded (?:their|its) control\b|\b(?:regain|retake|recapture)d? "
     rf"(?:the )?control\b"),
    (_STRAT, "Non-violent transfer of territory", "transfer-territory",
     r"\b(?:handed over|withdrew from|withdrawn from|pulled out of|evacuated|retreated from"
     r"|left|abandoned) (?:\w+ ){0,3}(?:town|village|city|area|positions?|base|territory"
     r"|checkpoints?|posts?)\b[^.;]{0,60}(?:without (?:a fight|clashes|fighting)|handed|took over"
     r"|replaced|entered)"
     r"|\b(?:withdrew|withdrawn|pulled out|retreated) from [^.;]{0,80}(?:without (?:a fight"
     r"|resistance|clashes|fighting)|leaving it|in the hands of|handing)"),
    (_BAT, "Armed clash", "armed-clash",
     r"\bclash(?:es|ed)?(?: (?:between|among|with|erupted|broke out))?\b|\bfighting\b"
     r"|\bfought\b|\bgun ?battles?\b|\bfirefights?\b"
     r"|\bexchange(?:d|s)? (?:of )?(?:gun ?)?fire\b|\bbattle (?:for|with|between|against)\b"
     r"|\bskirmish(?:es|ed)?\b|\bshoot-?outs?\b|\bcrossfire\b|\bconfrontations?\b"
     r"|\blaunched (?:an? )?(?:\w+ )?(?:attack|assault|offensive|operation) (?:on|against)\b"
     r"|\b(?:tried|attempted|trying|attempting) to advance\b"
     r"|\binfiltrat(?:ion|ed|e)\b|\b(?:repelled|repulsed|foiled|thwarted) (?:an? )?"
     r"(?:[\w-]+ ){0,3}(?:attack|assault|attempt|offensive|advance|incursion)"
     r"|\battempted to (?:advance|storm|attack)"
     r"|\bengag(?:ed|ing) (?:in )?(?:with )?(?:\w+ ){0,3}(?:fighters|militants|forces|troops"
     r"|combat|battle)|\bsnipers?\b|\bsecurity (?:operation|campaign)\b|\bambush(?:ed)?\b"
     r"|\b(?:lays?|laid|laying) siege\b"
     r"|\bfired\b[^.;]{0,60}\b(?:on|at) (?:the )?(?:[\w-]+ ){0,2}positions\b"
     r"|\b(?:observed|recorded|heard|registered) (?:a total of )?(?:\d+|several|many) (?:\w+ )?"
     r"(?:shots|bursts|ceasefire violations)\b"
     r"|\bbattled?s? (?:with |against )?(?:the )?(?:[\w-]+ ){0,2}(?:police|troops|soldiers"
     r"|security forces|militants|rebels|fighters|gunmen|forces|raiders|bandits|rustlers"
     r"|militias?|gangs?|sect|clansmen)\b"
     r"|\b(?:clans?|communities|militias?|raiders|herders|gangs?|tribes?|police|troops"
     r"|soldiers|forces|rebels|militants|fighters)\s+battled?\b"),
    (_BAT, "Armed clash", "attack-on-armed",
     rf"\b{_KILL_VERB} {_DET}{_ADJS}{_ARMED}\b"
     rf"|\b{_ARMED} {_PASSIVE}"
     rf"|\b(?:attack|assault|ambush|raid|offensive) (?:on|against) {_DET}{_ADJS}{_ARMED}\b"),
    (_VAC, "Attack", "attack-civilians",
     r"\b(?:summarily |publicly )?executed (?:\w+ ){0,3}(?:civilians|prisoners|men|people"
     r"|villagers|captives|hostages|detainees|residents)\b|\bexecution-style\b"
     r"|\bmassacre[ds]?\b|\bshot dead\b|\bgunned down\b|\bstabbed\b|\bhacked to death\b"
     r"|\bbeheaded\b|\bassassinat(?:ed|ion|e)\b|\bmurder(?:ed)?\b|\bburnt alive\b"
     r"|\bopened fire on (?:\w+ ){0,2}(?:civilians|villagers|worshippers|passengers"
     r"|a bus|a market|a wedding|shoppers)"
     r"|\b(?:body|bodies|corpses?) (?:\w+ ){0,8}(?:found|discovered|recovered|dumped)\b"
     r"|\b(?:found|discovered) (?:\w+ ){0,3}(?:dead|killed|bodies|body|hanged|hanging)\b"
     r"|\bshot to death\b|\bbeaten to death\b|\bdied (?:of|from) (?:gunshot|stab)"
     r"|\b(?:burnt|burned) to death\b"
     r"|\b(?:attack(?:ed|s)?|raid(?:ed|s)?) (?:on )?(?:a |an |the )?(?:\w+ )?(?:village|villages"
     r"|homesteads?|manyattas?|homes|houses|offices|passenger (?:van|vehicle|bus)|bus|matatu"
     r"|market|farm|church|mosque|school"
     r"|hotel|camp for)\b"),
    (_VAC, "Attack", "attack-on-civilians",
     rf"\b{_KILL_VERB} {_DET}{_ADJS}{_CIVILIANS}\b|\b{_CIVILIANS} {_PASSIVE}"
     r"|\bkill(?:s|ed|ing)? (?:at least )?(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten"
     r"|eleven|twelve|dozens|scores)\b"
     r"|(?:^|[,;:(]\s*|\b(?:and|with) )(?:\d+|one|two|three|four|five|six|seven|eight|nine"
     r"|ten|several|many) (?:(?:people|persons|others) )?(?:were )?(?:killed|dead)\b"
     r"(?![^.;]*\b(?:accident|crash|overturn|collision|collided|flood|drown|collapse|landslide"
     r"|lightning|earthquake|storm|blaze|fire broke out|disease|outbreak|died of)\w*)"),
    (_VAC, "Attack", "perpetrator-attack",
     rf"\b(?:gunmen|bandits|assailants|attackers|raiders|thugs|robbers|mob)\b (?:have |has |had )?"
     rf"(?:\w+ly )?{_KILL_VERB}\b"),
    (_VAC, "Attack", "shooting",
     r"\bshots? (?:were )?fired\b|\bopened fire\b|\bshooting\b|\bgunfire\b|\bgunshots?\b"
     r"|\bgun attacks?\b"
     r"|\bsprayed (?:[\w'’.-]+ ){0,10}with bullets\b"),
    (_STRAT, "Agreement", "agreement",
     r"\bcease-?fires?\b|\btruce\b|\bpeace (?:deals?|agreements?|accords?)\b"
     r"|\bsigned (?:an? |the )?(?:\w+ )?(?:agreement|deal|accord|memorandum of understanding"
     r"|MoU)\b|\bprisoner (?:swap|exchange)\b"
     r"|\bevacuation (?:deal|agreement)\b|\bagreed (?:to|on) (?:a |an )?(?:\w+ )?(?:ceasefire"
     r"|truce|exchange|evacuation|withdrawal)|\breconciliation (?:deal|agreement)"
     r"|\b(?:released|freed) (?:\w+ ){0,3}(?:prisoners|detainees|hostages)\b"),
    (_STRAT, "Arrests", "arrests",
     r"\barrested\b|\bdetain(?:ed|ing|s)?\b|\brounded up\b|\btaken into custody\b"
     r"|\barrests? of\b|\bapprehended\b|\bin (?:police )?custody\b|\barrest(?:s|ing)?\b"),
    (_STRAT, "Looting/property destruction", "looting",
     r"\bloot(?:ed|ing|ers)?\b|\bpillag(?:ed|ing)\b|\bransack(?:ed|ing)\b|\bvandali[sz](?:ed|es?)\b"
     r"|\barson\b|\bcut down (?:[\w-]+ ){0,4}trees\b"
     r"|\bburnt down (?:\w+ ){0,3}(?:villas?|houses?|homes?|shops?|kiosks?|buildings?)\b"
     r"|\bdestroy(?:ed|s)? (?:the )?property\b"
     r"|\b(?:torched|burned|burnt|demolished|bulldozed|razed|destroyed|set fire to) (?:\w+ ){0,2}"
     r"(?:homes|houses|shops|crops|fields|property|properties|buildings|vehicles?|cars?"
     r"|huts|schools?|offices?|a house|a home)\b|\b(?:robbed|stole|stolen|steals?|stealing"
     r"|confiscated|seized)"
     r" (?:\w+ ){0,3}(?:property|livestock|cattle|goats|money|goods|houses|homes|land)"
     r"|\brustl(?:ed|ing|ers)\b|\bcattle raid"
     r"|\b(?:homes|houses|huts|shops|kiosks|property|properties|buildings|vehicles|cars|villages)"
     r" (?:were |was )?(?:burned|burnt|torched|razed|destroyed|set on fire)\b"),
    (_STRAT, "Change to group/activity", "change-to-group",
     r"\bsurrender(?:ed|s)?\b|\bdefected\b|\bjoined (?:the )?(?:ranks|\w+ forces)"
     r"|\b(?:heightened|tightened|stepped up|increased|beefed up) (?:\w+ )?security\b"
     r"|\breinforcements?\b|\bmilitary build-?up\b|\bmobili[sz](?:ed|ation)\b"
     r"|\bmovement of forces\b|\b(?:was|were) dissolved\b|\bdissolution\b|\brecruit(?:ed|ment)\b"
     r"|\bredeploy(?:ed|ment)\b|\bdeployed (?:\w+ ){0,3}(?:to|in|into|along)\b"
     r"|\bcurfew\b|\bmilitary (?:exercises?|drills?|manoeuvres|maneuvers)\b"),
    # unrest named only by its occasion, when nothing more specific fired
    (_RIOT, "Violent demonstration", "election-violence",
     r"\b(?:post-?election|electoral|election-related) (?:violence|unrest)\b"),
)  # fmt: skip

_COMPILED = tuple(
    (etype, sub, name, re.compile(pattern, re.IGNORECASE)) for etype, sub, name, pattern in _RULES
)
# Cheap tests that must pass before a costly rule is tried (a sentence without any of these
# words cannot match it): keeps classification near 0.5 ms a sentence.
_HINTS: dict[str, re.Pattern[str]] = {
    name: re.compile(hint, re.IGNORECASE)
    for name, hint in {
        "attack-on-armed": r"kill|shot|shoot|assassinat|execut|murder|stab|hack|behead|slaughter"
        r"|attack|assault|ambush|target|wound|injur|fire|raid|storm|abduct|tortur|beat",
        "attack-on-civilians": r"kill|shot|shoot|assassinat|execut|murder|stab|hack|behead"
        r"|slaughter|attack|assault|ambush|target|wound|injur|fire|raid|storm|abduct|tortur|beat"
        r"|dead",
        "protest-intervention": r"tear ?gas|water cannon|rubber bullet|dispers|broke up|baton"
        r"|detain|arrest",
        "force-on-protesters": r"fire|live|shot|kill",
        "mob": r"mob|lynch|vigilant|angry|alight|ablaze|on fire|residents|villagers|youths"
        r"|fight|brawl|scuffle|crowd|traders|community members|locals",
        "violent-demonstration": r"threw|hurl|pelt|riot|protest|demonstrat|supporters|students"
        r"|youths|tyres|barricad|rampage|running battle",
    }.items()
}
# A trigger right after a modal or hypothetical word reports no event.
_MODAL = re.compile(
    r"(?:\b(?i:will|would|could|might|should|threaten(?:ed|s|ing)? to|vow(?:ed|s)? to"
    r"|plan(?:s|ned|ning)? to|warn(?:ed|s|ing)? (?:of|against|that)|call(?:ed|s|ing)? for"
    r"|demand(?:ed|s|ing)?|urg(?:ed|es|ing)|if|unless|never|prevent|avoid|risk of"
    r"|fears? of|possible|potential|future)\b|\bmay\b)[^.;]{0,25}$"
)


# ... and so does one followed by "were planned", "is expected", "next week".
_MODAL_AFTER = re.compile(
    r"^[^.;]{0,40}?\b(?:(?:were|was|are|is) (?:planned|scheduled|expected|due|set)|will be held"
    r"|next (?:week|month|year)|in the coming (?:days|weeks))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TypeHit:
    """A fired rule: the type it gives and the trigger span in the sentence."""

    event_type: str
    sub_event_type: str
    rule: str
    start: int
    end: int
    trigger: str


def classify_sentence(sentence: str) -> TypeHit | None:
    """The ACLED type of the event a sentence reports, by the first rule that fires.

    Examples
    --------
    >>> hit = classify_sentence("A Russian airstrike near al-Bab killed three soldiers.")
    >>> hit.event_type, hit.sub_event_type, hit.rule
    ('Explosions/Remote violence', 'Air/drone strike', 'air-strike')
    >>> classify_sentence("Ankara could order airstrikes if talks fail.") is None
    True
    """
    for etype, sub, name, pattern in _COMPILED:
        hint = _HINTS.get(name)
        if hint is not None and not hint.search(sentence):
            continue
        for m in pattern.finditer(sentence):
            if _MODAL.search(sentence[max(0, m.start() - 60) : m.start()]):
                continue
            if _MODAL_AFTER.match(sentence[m.end() :]):
                continue
            hit = TypeHit(etype, sub, name, m.start(), m.end(), m.group(0))
            return _refine(sentence, hit)
    return None


# Ground fighting named in the same sentence as shelling or air support: ACLED codes the
# battle ("clashes accompanied by shelling", "exchanged shelling", "fired grenade
# launchers at the positions of ...").
_CLASH = re.compile(
    r"\bclash(?:es|ed)?\b|\bfighting\b|\bfought\b|\bgun ?battles?\b|\bfirefights?\b"
    r"|\bexchange(?:d|s)? (?:of )?(?:heavy )?(?:gun)?(?:fire|shelling)\b|\bskirmish"
    r"|\binfiltrat|\bat (?:the |their )?(?:\w+ )?positions of\b|\bmutual shelling\b",
    re.IGNORECASE,
)
_GOV_SUBJECT = re.compile(
    r"\b(?:regime|government|army|military|SAA|Tiger Forces|state forces|security forces"
    r"|national army|armed forces|troops|pro-government|loyalist)\b",
    re.IGNORECASE,
)
_NONSTATE_SUBJECT = re.compile(
    r"\b(?:rebels?|militants?|insurgents?|jihadists?|opposition|factions?|Islamic State|IS"
    r"|ISIS|HTS|Hayat Tahrir|Taliban|al-Shabaab|Shabaab|militias?|Corps|Brigades?|Army of"
    r"|Jaish|Jaysh|Ahrar|QSD|SDF|YPG|PKK|Houthis?)\b",
)


def _refine(sentence: str, hit: TypeHit) -> TypeHit:
    """ACLED's tie-breaks: a battle beats the shelling or air support that accompanies it,
    and territory changes hands to the government or to a non-state actor by who took it."""
    if hit.event_type == _EXP and hit.sub_event_type in (
        "Shelling/artillery/missile attack", "Air/drone strike", "Grenade",
    ):  # fmt: skip
        clash = _CLASH.search(sentence)
        if clash:
            return TypeHit(_BAT, "Armed clash", "clash-with-fire", clash.start(), clash.end(),
                           clash.group(0))  # fmt: skip
    if hit.rule in ("regain-territory", "overtake-territory"):
        before = sentence[: hit.start]
        gov = [m.start() for m in _GOV_SUBJECT.finditer(before)]
        rebel = [m.start() for m in _NONSTATE_SUBJECT.finditer(before)]
        government = bool(gov) and (not rebel or max(gov) > max(rebel))
        sub = (
            "Government regains territory" if government else "Non-state actor overtakes territory"
        )
        if gov or rebel:
            return TypeHit(_BAT, sub, hit.rule, hit.start, hit.end, hit.trigger)
    return hit


# What turns a protest into another sub-type, said in a later sentence of the same report
# ("Police fired tear gas.", "The protesters lit fires along the road.").
_ESCALATION: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (_PRO, "Excessive force against protesters", re.compile(
        r"\b(?:police|security forces|troops|soldiers|officers)\b[^.;]{0,60}\b(?:shot|killed"
        r"|live (?:ammunition|bullets|rounds))|\b(?:protesters?|demonstrators?)\b[^.;]{0,40}"
        r"\b(?:were |was )?(?:shot dead|killed)\b", re.IGNORECASE)),
    (_RIOT, "Violent demonstration", re.compile(
        r"\b(?:threw|hurled|pelted) (?:\w+ ){0,3}(?:stones|rocks|bottles|petrol bombs|molotov)"
        r"|\b(?:lit|set) (?:\w+ )?fires?\b|\bburn(?:ed|t|ing)? (?:\w+ )?tyres\b|\bvandali[sz]"
        r"|\btorched\b|\bsmashed\b|\blooted\b|\bturned violent\b|\brioting\b", re.IGNORECASE)),
    (_PRO, "Protest with intervention", re.compile(
        r"\btear ?gas\b|\bwater cannons?\b|\brubber bullets\b|\bdispersed\b|\bbroke up\b"
        r"|\b(?:arrested|detained)\b|\bbatons?\b|\bstopped (?:the )?(?:protesters|demonstrators)"
        r"|\btook down\b", re.IGNORECASE)),
)  # fmt: skip


def escalate_protest(hit: TypeHit, sentences: list[str]) -> TypeHit:
    """A peaceful protest whose report goes on to say it was met with force, dispersed, or
    turned violent, takes that sub-type (ACLED codes the protest event as a whole).

    >>> hit = classify_sentence("Workers protested outside the ministry.")
    >>> escalate_protest(hit, ["Police fired tear gas."]).sub_event_type
    'Protest with intervention'
    """
    if (hit.event_type, hit.sub_event_type) != (_PRO, "Peaceful protest"):
        return hit
    for etype, sub, pattern in _ESCALATION:
        for text in sentences:
            found = pattern.search(text)
            if found:
                rule = f"{hit.rule}+{sub.split()[0].lower()}"
                return TypeHit(
                    etype, sub, rule, hit.start, hit.end, f"{hit.trigger}; {found.group(0)}"
                )
    return hit
