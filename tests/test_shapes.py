"""Each SHACL constraint, broken alone on a small valid graph, gives exactly its own result."""

from __future__ import annotations

import pytest
import rdflib

from converter.validation import ShaclResult, shapes_graph, validate_graph

SHAPE = "https://w3id.org/cskg/shapes#"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")

VALID = """
@prefix cskg: <https://w3id.org/cskg/def#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix igeo: <http://rdf.insee.fr/def/geo#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix v: <https://w3id.org/cskg/vocab/> . @prefix : <https://example.org/> .
:a a cskg:Action ; dct:title "Titre"@fr ; cskg:organiser :s ; cskg:status <https://w3id.org/cskg/vocab/statut/en-cours> ;
  cskg:dimension <https://w3id.org/cskg/vocab/dimension/services> ;
  cskg:theme <https://w3id.org/cskg/vocab/thematique/culture> ;
  cskg:public <https://w3id.org/cskg/vocab/public/familles> ;
  cskg:initiator <https://w3id.org/cskg/vocab/initiateur/le-centre-social> ;
  cskg:territoryScale <https://w3id.org/cskg/vocab/echelle-territoriale/un-quartier> ;
  cskg:summary "Résumé"@fr ; cskg:limits "Limites"@fr ; cskg:partner :o ; cskg:budget :budget ;
  cskg:fundingContribution :f1 ; cskg:staffCount 3 ; cskg:attachedFile "bilan.pdf" ;
  prov:qualifiedAssociation :as1, :as2 ;
  dct:source :fiche .
:budget a schema:MonetaryAmount ; schema:value 10.5 ; schema:currency "EUR" .
:f1 a cskg:FundingContribution, schema:MonetaryGrant ; schema:funder :o ; schema:fundedItem :a ;
  schema:amount :m1 .
:m1 a schema:MonetaryAmount ; schema:value 5.0 ; schema:currency "EUR" .
:as1 a prov:Association ; prov:agent :o ; prov:hadRole cskg:partnerRole ; cskg:evidenceText "CAF" ; cskg:rule "sigle" ;
  cskg:evidenceField "Avec qui cette action a-t-elle été menée ?"@fr ;
  cskg:evidenceLine "5"^^xsd:positiveInteger .
:as2 a prov:Association ; prov:agent :o ; prov:hadRole cskg:funderRole ; cskg:evidenceText "CAF : 5 €" ; cskg:rule "ligne-de-financement" ;
  cskg:evidenceField "Ressources financières mobilisées pour cette action"@fr .
:o a org:Organization ; skos:prefLabel "CAF" ; dct:type <https://w3id.org/cskg/vocab/types-organisations/caf> ;
  cskg:territory <http://id.insee.fr/geo/departement/72> .
:s a cskg:Structure, org:Organization ; skos:prefLabel "CS ALLONNES" ; cskg:departementLabel "Sarthe" ;
  cskg:departement <http://id.insee.fr/geo/departement/72> ;
  cskg:commune <http://id.insee.fr/geo/commune/72003> ; cskg:communeEvidence "ALLONNES" ;
  cskg:communeRule "expression-locale" ; cskg:communeEvidenceField "Description générale"@fr ;
  cskg:communeEvidenceLine "12"^^xsd:positiveInteger .
<http://id.insee.fr/geo/commune/72003> a igeo:Commune ; igeo:codeINSEE "72003" ; igeo:nom "Allonnes"^^xsd:token ;
  igeo:subdivisionDirecteDe <http://id.insee.fr/geo/arrondissement/723> ;
  cskg:population 10739 ; cskg:postalCode "72700" ; cskg:siren "217200039" ;
  cskg:epci <http://id.insee.fr/geo/intercommunalite/247200132> .
<http://id.insee.fr/geo/intercommunalite/247200132> a igeo:Intercommunalite ; igeo:codeINSEE "247200132" ;
  igeo:nom "Le Mans Métropole"^^xsd:token ; cskg:population 210000 ;
  cskg:epciNature <https://w3id.org/cskg/vocab/nature-epci/communaute-urbaine> .
<http://id.insee.fr/geo/arrondissement/723> a igeo:Arrondissement ; igeo:codeINSEE "723" ;
  igeo:subdivisionDirecteDe <http://id.insee.fr/geo/departement/72> .
<http://id.insee.fr/geo/departement/72> a igeo:Departement ; igeo:codeINSEE "72" ; igeo:nom "Sarthe"@fr ;
  igeo:subdivisionDirecteDe <http://id.insee.fr/geo/region/52> .
<http://id.insee.fr/geo/region/52> a igeo:Region ; igeo:codeINSEE "52" ; igeo:nom "Pays de la Loire"@fr .
:fiche a cskg:Fiche ; cskg:sourceFile "f.txt" ; cskg:firstLine "2"^^xsd:positiveInteger ;
  cskg:lastLine "9"^^xsd:positiveInteger .
:stats a <http://purl.org/linked-data/cube#DataSet>, cskg:DerivedStatistics .
:culture a <http://purl.org/linked-data/cube#Observation> ;
  <http://purl.org/linked-data/cube#dataSet> :stats ;
  cskg:refTheme <https://w3id.org/cskg/vocab/thematique/culture> ; cskg:actionCount 1 ;
  cskg:budgetTotal 10.5 ; cskg:budgetMedian 10.5 ; cskg:budgetMinimum 10.5 ;
  cskg:budgetMaximum 10.5 .
:caf a <http://purl.org/linked-data/cube#Observation> ;
  <http://purl.org/linked-data/cube#dataSet> :stats ;
  cskg:refOrganisationType <https://w3id.org/cskg/vocab/types-organisations/caf> ;
  cskg:organisationCount 1 ; cskg:partnerActionCount 1 ; cskg:funderActionCount 0 .
:pair a <http://purl.org/linked-data/cube#Observation> ;
  <http://purl.org/linked-data/cube#dataSet> :stats ;
  cskg:refFirstTheme <https://w3id.org/cskg/vocab/thematique/culture> ;
  cskg:refSecondTheme <https://w3id.org/cskg/vocab/thematique/sante> ; cskg:sharedActionCount 1 .
:partner a <http://purl.org/linked-data/cube#Observation> ;
  <http://purl.org/linked-data/cube#dataSet> :stats ;
  cskg:refPartner :o ; cskg:joinedActionCount 1 ; cskg:structureCount 1 .
:funder a <http://purl.org/linked-data/cube#Observation> ;
  <http://purl.org/linked-data/cube#dataSet> :stats ;
  cskg:refRegion <http://id.insee.fr/geo/region/52> ; cskg:refFunder :o ; cskg:fundedActionCount 1 .
:start a <http://purl.org/linked-data/cube#Observation> ;
  <http://purl.org/linked-data/cube#dataSet> :stats ;
  cskg:refAction <https://example.org/action/a> ; cskg:statedStartYear 2015 ;
  cskg:startYearEvidence "débuté en 2015" .
:in72 a <http://purl.org/linked-data/cube#Observation> ;
  <http://purl.org/linked-data/cube#dataSet> :stats ;
  cskg:refDepartement <http://id.insee.fr/geo/departement/72> ; cskg:departementActionCount 1 .
:in52 a <http://purl.org/linked-data/cube#Observation> ;
  <http://purl.org/linked-data/cube#dataSet> :stats ;
  cskg:refRegion <http://id.insee.fr/geo/region/52> ; cskg:regionActionCount 1 .
:inLeMans a <http://purl.org/linked-data/cube#Observation> ;
  <http://purl.org/linked-data/cube#dataSet> :stats ;
  cskg:refEpci <http://id.insee.fr/geo/intercommunalite/247200132> ; cskg:epciActionCount 1 .
"""
PREFIXES = """PREFIX cskg: <https://w3id.org/cskg/def#> PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX igeo: <http://rdf.insee.fr/def/geo#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> PREFIX org: <http://www.w3.org/ns/org#>
PREFIX : <https://example.org/> PREFIX dep: <http://id.insee.fr/geo/departement/>
PREFIX com: <http://id.insee.fr/geo/commune/> PREFIX epci: <http://id.insee.fr/geo/intercommunalite/>
PREFIX nature: <https://w3id.org/cskg/vocab/nature-epci/>
PREFIX statut: <https://w3id.org/cskg/vocab/statut/> PREFIX dimension: <https://w3id.org/cskg/vocab/dimension/>
PREFIX thematique: <https://w3id.org/cskg/vocab/thematique/> PREFIX public: <https://w3id.org/cskg/vocab/public/>
PREFIX initiateur: <https://w3id.org/cskg/vocab/initiateur/>
PREFIX qb: <http://purl.org/linked-data/cube#>
"""
TEXTS = (
    "endReason summary initiatorPrecision experienceDescription generalDescription fundingText "
    "staffingText resultForTerritory resultForCentre resultForInhabitants limits perspectives"
).split()

# Removes the structure's commune link, whose département check would also fire.
UNLINK = "DELETE WHERE { :s cskg:commune ?c ; cskg:communeEvidence ?e } ; "

# (shape broken, severity, constraint component, SPARQL update that breaks it and nothing else)
CASES: list[tuple[str, str, str, str]] = [
    ("Action-title", "Violation", "MinCount", "DELETE WHERE { :a dct:title ?t }"),
    (
        "Action-title",
        "Violation",
        "LanguageIn",
        'DELETE { :a dct:title ?t } INSERT { :a dct:title "Titre" } WHERE { :a dct:title ?t }',
    ),
    ("Action-title", "Violation", "MaxCount", 'INSERT DATA { :a dct:title "Autre titre"@fr }'),
    ("Action-organiser", "Violation", "MinCount", "DELETE WHERE { :a cskg:organiser ?s }"),
    (
        "Action-organiser",
        "Violation",
        "Class",
        "DELETE { :a cskg:organiser ?s } INSERT { :a cskg:organiser :o } WHERE { :a cskg:organiser ?s }",
    ),
    ("Action-status", "Violation", "MinCount", "DELETE WHERE { :a cskg:status ?s }"),
    ("Action-status", "Violation", "MaxCount", "INSERT DATA { :a cskg:status statut:terminee }"),
    (
        "Action-status",
        "Violation",
        "Node",
        "DELETE { :a cskg:status ?s } INSERT { :a cskg:status thematique:culture } WHERE { :a cskg:status ?s }",
    ),
    (
        "Action-dimension",
        "Violation",
        "MaxCount",
        "INSERT DATA { :a cskg:dimension dimension:citoyennete }",
    ),
    (
        "Action-dimension",
        "Violation",
        "Node",
        "DELETE { :a cskg:dimension ?d } INSERT { :a cskg:dimension thematique:culture } WHERE { :a cskg:dimension ?d }",
    ),
    ("Action-theme", "Violation", "Node", "INSERT DATA { :a cskg:theme public:familles }"),
    ("Action-theme-present", "Warning", "MinCount", "DELETE WHERE { :a cskg:theme ?t }"),
    ("Action-public", "Violation", "Node", "INSERT DATA { :a cskg:public statut:en-cours }"),
    ("Action-public-present", "Warning", "MinCount", "DELETE WHERE { :a cskg:public ?t }"),
    ("Action-initiator", "Violation", "Node", "INSERT DATA { :a cskg:initiator public:familles }"),
    (
        "Action-territoryScale",
        "Violation",
        "Node",
        "INSERT DATA { :a cskg:territoryScale initiateur:autre }",
    ),
    ("Action-summary-present", "Warning", "MinCount", "DELETE WHERE { :a cskg:summary ?t }"),
    ("Action-partner", "Violation", "Class", "INSERT DATA { :a cskg:partner :nobody }"),
    (
        "Action-budget",
        "Violation",
        "MaxCount",
        'INSERT DATA { :a cskg:budget :b2 . :b2 a schema:MonetaryAmount ; schema:value 1.0 ; schema:currency "EUR" }',
    ),
    (
        "Action-budget",
        "Violation",
        "Class",
        "DELETE { :a cskg:budget ?b } INSERT { :a cskg:budget :o } WHERE { :a cskg:budget ?b }",
    ),
    (
        "Action-fundingContribution",
        "Violation",
        "Class",
        "INSERT DATA { :a cskg:fundingContribution :o }",
    ),
    (
        "Action-staffCount",
        "Violation",
        "Datatype",
        'DELETE { :a cskg:staffCount ?n } INSERT { :a cskg:staffCount "3.5"^^xsd:decimal } WHERE { :a cskg:staffCount ?n }',
    ),
    (
        "Action-staffCount",
        "Violation",
        "MinInclusive",
        'DELETE { :a cskg:staffCount ?n } INSERT { :a cskg:staffCount "-1"^^xsd:integer } WHERE { :a cskg:staffCount ?n }',
    ),
    ("Action-staffCount", "Violation", "MaxCount", "INSERT DATA { :a cskg:staffCount 4 }"),
    (
        "Action-attachedFile",
        "Violation",
        "Datatype",
        'INSERT DATA { :a cskg:attachedFile "bilan"@fr }',
    ),
    ("Action-source", "Violation", "MinCount", "DELETE WHERE { :a dct:source ?f }"),
    (
        "Action-source",
        "Violation",
        "Class",
        "DELETE { :a dct:source ?f } INSERT { :a dct:source :o } WHERE { :a dct:source ?f }",
    ),
    *[
        (
            f"Action-{name}",
            "Violation",
            "LanguageIn",
            f'DELETE {{ :a cskg:{name} ?t }} INSERT {{ :a cskg:{name} "sans langue" }} '
            f"WHERE {{ OPTIONAL {{ :a cskg:{name} ?t }} }}",
        )
        for name in TEXTS
    ],
    *[
        (
            f"Action-{name}",
            "Violation",
            "MaxCount",
            f'INSERT DATA {{ :a cskg:{name} "Premier texte"@fr, "Second texte"@fr }}',
        )
        for name in TEXTS
    ],
    ("Organisation-name", "Violation", "MinCount", "DELETE WHERE { :o skos:prefLabel ?n }"),
    (
        "Organisation-name",
        "Violation",
        "QualifiedMaxCount",
        'INSERT DATA { :o skos:prefLabel "Caisse d\'allocations familiales" }',
    ),
    (
        "Organisation-name-fr",
        "Violation",
        "QualifiedMaxCount",
        'INSERT DATA { :o skos:prefLabel "Caisse d\'allocations familiales (Lot)"@fr, '
        '"CAF du Lot"@fr }',
    ),
    (
        "Organisation-name-en",
        "Violation",
        "QualifiedMaxCount",
        'INSERT DATA { :o skos:prefLabel "Family allowance fund (Lot)"@en, "CAF (Lot)"@en }',
    ),
    (
        "Structure-departementLabel",
        "Violation",
        "MinCount",
        "DELETE WHERE { :s cskg:departementLabel ?n }",
    ),
    (
        "Structure-departementLabel",
        "Violation",
        "MaxCount",
        'INSERT DATA { :s cskg:departementLabel "72" }',
    ),
    (
        "WrittenDepartement-linked",
        "Warning",
        "MinCount",
        UNLINK + "DELETE WHERE { :s cskg:departement ?d }",
    ),
    (
        "WrittenDepartement-one",
        "Violation",
        "MaxCount",
        UNLINK
        + 'INSERT DATA { :s cskg:departement dep:53 . dep:53 a igeo:Departement ; igeo:codeINSEE "53" ; igeo:nom "Mayenne"@fr ; igeo:subdivisionDirecteDe <http://id.insee.fr/geo/region/52> }',
    ),
    (
        "WrittenDepartement-one",
        "Violation",
        "Class",
        UNLINK
        + "DELETE { :s cskg:departement ?d } INSERT { :s cskg:departement :somewhere } WHERE { :s cskg:departement ?d }",
    ),
    ("MonetaryAmount-value", "Violation", "MinCount", "DELETE WHERE { :budget schema:value ?v }"),
    (
        "MonetaryAmount-value",
        "Violation",
        "Datatype",
        'DELETE { :budget schema:value ?v } INSERT { :budget schema:value "10"^^xsd:integer } WHERE { :budget schema:value ?v }',
    ),
    (
        "MonetaryAmount-value",
        "Violation",
        "MinInclusive",
        'DELETE { :budget schema:value ?v } INSERT { :budget schema:value "-5.0"^^xsd:decimal } WHERE { :budget schema:value ?v }',
    ),
    (
        "MonetaryAmount-currency",
        "Violation",
        "In",
        'DELETE { :budget schema:currency ?c } INSERT { :budget schema:currency "USD" } WHERE { :budget schema:currency ?c }',
    ),
    (
        "FundingContribution-funder",
        "Violation",
        "MinCount",
        "DELETE WHERE { :f1 schema:funder ?o }",
    ),
    (
        "FundingContribution-funder",
        "Violation",
        "Class",
        "DELETE { :f1 schema:funder ?o } INSERT { :f1 schema:funder :nobody } WHERE { :f1 schema:funder ?o }",
    ),
    (
        "FundingContribution-amount",
        "Violation",
        "MinCount",
        "DELETE WHERE { :f1 schema:amount ?m }",
    ),
    (
        "FundingContribution-amount",
        "Violation",
        "Class",
        "DELETE { :f1 schema:amount ?m } INSERT { :f1 schema:amount :nothing } WHERE { :f1 schema:amount ?m }",
    ),
    (
        "FundingContribution-fundedItem",
        "Violation",
        "MinCount",
        "DELETE WHERE { :f1 schema:fundedItem ?a }",
    ),
    (
        "FundingContribution-fundedItem",
        "Violation",
        "Class",
        "DELETE { :f1 schema:fundedItem ?a } INSERT { :f1 schema:fundedItem :o } WHERE { :f1 schema:fundedItem ?a }",
    ),
    (
        "Action-association",
        "Violation",
        "Class",
        "INSERT DATA { :a prov:qualifiedAssociation :nothing }",
    ),
    ("Association-agent", "Violation", "MinCount", "DELETE WHERE { :as1 prov:agent ?o }"),
    (
        "Association-agent",
        "Violation",
        "Class",
        "DELETE { :as1 prov:agent ?o } INSERT { :as1 prov:agent :nobody } WHERE { :as1 prov:agent ?o }",
    ),
    ("Association-role", "Violation", "MinCount", "DELETE WHERE { :as1 prov:hadRole ?r }"),
    (
        "Association-role",
        "Violation",
        "In",
        "DELETE { :as1 prov:hadRole ?r } INSERT { :as1 prov:hadRole cskg:organiser } WHERE { :as1 prov:hadRole ?r }",
    ),
    (
        "Association-role",
        "Violation",
        "MaxCount",
        "INSERT DATA { :as1 prov:hadRole cskg:funderRole }",
    ),
    ("Association-text", "Violation", "MinCount", "DELETE WHERE { :as1 cskg:evidenceText ?t }"),
    ("Association-text", "Violation", "MaxCount", 'INSERT DATA { :as1 cskg:evidenceText "Autre" }'),
    ("Association-field", "Violation", "MinCount", "DELETE WHERE { :as2 cskg:evidenceField ?f }"),
    (
        "Association-field",
        "Violation",
        "LanguageIn",
        'DELETE { :as2 cskg:evidenceField ?f } INSERT { :as2 cskg:evidenceField "Public" } WHERE { :as2 cskg:evidenceField ?f }',
    ),
    (
        "Association-line",
        "Violation",
        "MaxCount",
        'INSERT DATA { :as1 cskg:evidenceLine "6"^^xsd:positiveInteger }',
    ),
    ("Association-line", "Violation", "Datatype", 'INSERT DATA { :as2 cskg:evidenceLine "six" }'),
    ("Fiche-file", "Violation", "MinCount", "DELETE WHERE { :fiche cskg:sourceFile ?f }"),
    (
        "Fiche-firstLine",
        "Violation",
        "LessThanOrEquals",
        'DELETE { :fiche cskg:firstLine ?l } INSERT { :fiche cskg:firstLine "12"^^xsd:positiveInteger } WHERE { :fiche cskg:firstLine ?l }',
    ),
    (
        "Fiche-lastLine",
        "Violation",
        "MaxCount",
        'INSERT DATA { :fiche cskg:lastLine "10"^^xsd:positiveInteger }',
    ),
    ("Concept-label", "Violation", "QualifiedMinCount", "INSERT DATA { :c a skos:Concept }"),
    (
        "UnreviewedConcept-review",
        "Warning",
        "Not",
        'INSERT DATA { :a cskg:theme :new . :new a skos:Concept, cskg:UnreviewedConcept ; skos:prefLabel "Jardinage"@fr ; skos:inScheme <https://w3id.org/cskg/vocab/thematique> }',
    ),
    (
        "Departement-code",
        "Violation",
        "Pattern",
        'DELETE { dep:72 igeo:codeINSEE ?c } INSERT { dep:72 igeo:codeINSEE "720" } WHERE { dep:72 igeo:codeINSEE ?c }',
    ),
    ("Departement-name", "Violation", "MinCount", "DELETE WHERE { dep:72 igeo:nom ?n }"),
    (
        "Departement-region",
        "Violation",
        "MinCount",
        "DELETE WHERE { dep:72 igeo:subdivisionDirecteDe ?r }",
    ),
    (
        "LinkedCommune-one",
        "Violation",
        "MaxCount",
        'INSERT DATA { :s cskg:commune com:72181 . com:72181 a igeo:Commune ; igeo:codeINSEE "72181" ; igeo:nom "Le Mans"@fr ; igeo:subdivisionDirecteDe <http://id.insee.fr/geo/arrondissement/723> }',
    ),
    (
        "LinkedCommune-one",
        "Violation",
        "Class",
        "DELETE { :s cskg:commune ?c } INSERT { :s cskg:commune :nowhere . :nowhere igeo:subdivisionDirecteDe <http://id.insee.fr/geo/arrondissement/723> } WHERE { :s cskg:commune ?c }",
    ),
    (
        "LinkedCommune-evidence",
        "Violation",
        "MinCount",
        "DELETE WHERE { :s cskg:communeEvidence ?e }",
    ),
    (
        "CommuneInDepartement",
        "Violation",
        "Or",
        'INSERT DATA { com:53130 a igeo:Commune ; igeo:codeINSEE "53130" ; igeo:nom "Laval"@fr ; igeo:subdivisionDirecteDe <http://id.insee.fr/geo/arrondissement/532> . <http://id.insee.fr/geo/arrondissement/532> a igeo:Arrondissement ; igeo:codeINSEE "532" ; igeo:subdivisionDirecteDe dep:53 . dep:53 a igeo:Departement ; igeo:codeINSEE "53" ; igeo:nom "Mayenne"@fr ; igeo:subdivisionDirecteDe <http://id.insee.fr/geo/region/52> } ; DELETE { :s cskg:commune ?c } INSERT { :s cskg:commune com:53130 } WHERE { :s cskg:commune ?c }',
    ),
    (
        "Commune-code",
        "Violation",
        "Pattern",
        'DELETE { com:72003 igeo:codeINSEE ?c } INSERT { com:72003 igeo:codeINSEE "7203" } WHERE { com:72003 igeo:codeINSEE ?c }',
    ),
    ("Commune-name", "Violation", "MinCount", "DELETE WHERE { com:72003 igeo:nom ?n }"),
    (
        "Commune-arrondissement",
        "Violation",
        "MinCount",
        UNLINK + "DELETE WHERE { com:72003 igeo:subdivisionDirecteDe ?d }",
    ),
    (
        "Commune-arrondissement",
        "Violation",
        "Or",
        UNLINK
        + "DELETE { com:72003 igeo:subdivisionDirecteDe ?a } INSERT { com:72003 igeo:subdivisionDirecteDe dep:72 } WHERE { com:72003 igeo:subdivisionDirecteDe ?a }",
    ),
    (
        "Arrondissement-code",
        "Violation",
        "Pattern",
        'DELETE { ?a igeo:codeINSEE ?c } INSERT { ?a igeo:codeINSEE "72" } WHERE { ?a a igeo:Arrondissement ; igeo:codeINSEE ?c }',
    ),
    (
        "Arrondissement-departement",
        "Violation",
        "MinCount",
        UNLINK
        + "DELETE { ?a igeo:subdivisionDirecteDe ?d } WHERE { ?a a igeo:Arrondissement ; igeo:subdivisionDirecteDe ?d }",
    ),
    (
        "Commune-epci",
        "Violation",
        "MaxCount",
        "INSERT DATA { com:72003 cskg:epci epci:200000172 . epci:200000172 a igeo:Intercommunalite ; "
        'igeo:codeINSEE "200000172" ; igeo:nom "CC" ; cskg:epciNature nature:communaute-de-communes }',
    ),
    (
        "Commune-epci",
        "Violation",
        "Class",
        "INSERT DATA { com:72003 cskg:epci dep:72 } ; DELETE WHERE { com:72003 cskg:epci epci:247200132 }",
    ),
    (
        "Commune-postalCode",
        "Violation",
        "Pattern",
        'INSERT DATA { com:72003 cskg:postalCode "7270" }',
    ),
    (
        "Commune-postalCode",
        "Violation",
        "Datatype",
        "INSERT DATA { com:72003 cskg:postalCode 72700 }",
    ),
    (
        "Population-value",
        "Violation",
        "MaxCount",
        "INSERT DATA { com:72003 cskg:population 10740 }",
    ),
    (
        "Population-value",
        "Violation",
        "Datatype",
        "DELETE WHERE { com:72003 cskg:population ?p } ; INSERT DATA { com:72003 cskg:population 10739.0 }",
    ),
    (
        "Population-value",
        "Violation",
        "MinInclusive",
        "DELETE WHERE { com:72003 cskg:population ?p } ; INSERT DATA { com:72003 cskg:population -1 }",
    ),
    (
        "Intercommunalite-code",
        "Violation",
        "Pattern",
        'DELETE WHERE { epci:247200132 igeo:codeINSEE ?c } ; INSERT DATA { epci:247200132 igeo:codeINSEE "72" }',
    ),
    (
        "Intercommunalite-code",
        "Violation",
        "MinCount",
        "DELETE WHERE { epci:247200132 igeo:codeINSEE ?c }",
    ),
    (
        "Intercommunalite-name",
        "Violation",
        "MinCount",
        "DELETE WHERE { epci:247200132 igeo:nom ?c }",
    ),
    (
        "Intercommunalite-nature",
        "Violation",
        "MinCount",
        "DELETE WHERE { epci:247200132 cskg:epciNature ?c }",
    ),
    (
        "Intercommunalite-nature",
        "Violation",
        "Node",
        "DELETE WHERE { epci:247200132 cskg:epciNature ?c } ; INSERT DATA { epci:247200132 cskg:epciNature statut:en-cours }",
    ),
    ("Association-rule", "Violation", "MinCount", "DELETE WHERE { :as1 cskg:rule ?r }"),
    ("Association-rule", "Violation", "MaxCount", 'INSERT DATA { :as1 cskg:rule "autre" }'),
    (
        "Organisation-type",
        "Violation",
        "Node",
        "DELETE WHERE { :o dct:type ?t } ; INSERT DATA { :o dct:type statut:en-cours }",
    ),
    (
        "Organisation-type",
        "Violation",
        "MaxCount",
        "INSERT DATA { :o dct:type <https://w3id.org/cskg/vocab/types-organisations/msa> }",
    ),
    (
        "Organisation-territory",
        "Violation",
        "Pattern",
        "DELETE WHERE { :o cskg:territory ?t } ; INSERT DATA { :o cskg:territory :elsewhere }",
    ),
    (
        "Organisation-territory",
        "Violation",
        "MaxCount",
        "INSERT DATA { :o cskg:territory com:72003 }",
    ),
    (
        "CommuneFromText-rule",
        "Violation",
        "In",
        'DELETE WHERE { :s cskg:communeRule ?r } ; INSERT DATA { :s cskg:communeRule "autre" }',
    ),
    ("CommuneFromText-rule", "Violation", "MinCount", "DELETE WHERE { :s cskg:communeRule ?r }"),
    (
        "CommuneFromText-line",
        "Violation",
        "MinCount",
        "DELETE WHERE { :s cskg:communeEvidenceLine ?r }",
    ),
    (
        "Region-code",
        "Violation",
        "Pattern",
        'DELETE { ?r igeo:codeINSEE ?c } INSERT { ?r igeo:codeINSEE "5" } WHERE { ?r a igeo:Region ; igeo:codeINSEE ?c }',
    ),
    # the derived statistics (converter/statistics.py)
    ("Observation-dataSet", "Violation", "MinCount", "DELETE WHERE { :culture qb:dataSet ?d }"),
    (
        "Observation-dataSet",
        "Violation",
        "Class",
        "DELETE WHERE { :stats a cskg:DerivedStatistics }",
    ),
    ("Observation-refTheme", "Violation", "MinCount", "DELETE WHERE { :culture cskg:refTheme ?t }"),
    (
        "Observation-refTheme",
        "Violation",
        "Node",
        "DELETE WHERE { :culture cskg:refTheme ?t } ; INSERT DATA { :culture cskg:refTheme <https://w3id.org/cskg/vocab/public/familles> }",
    ),
    (
        "Observation-actionCount",
        "Violation",
        "MaxCount",
        "INSERT DATA { :culture cskg:actionCount 2 }",
    ),
    (
        "Observation-actionCount",
        "Violation",
        "MinInclusive",
        "DELETE WHERE { :culture cskg:actionCount ?n } ; INSERT DATA { :culture cskg:actionCount 0 }",
    ),
    (
        "Observation-budgetTotal",
        "Violation",
        "MinCount",
        "DELETE WHERE { :culture cskg:budgetTotal ?v }",
    ),
    (
        "Observation-budgetMedian",
        "Violation",
        "Datatype",
        'DELETE WHERE { :culture cskg:budgetMedian ?v } ; INSERT DATA { :culture cskg:budgetMedian "10"^^xsd:integer }',
    ),
    (
        "Observation-budgetMinimum",
        "Violation",
        "MinInclusive",
        'DELETE WHERE { :culture cskg:budgetMinimum ?v } ; INSERT DATA { :culture cskg:budgetMinimum "-1.0"^^xsd:decimal }',
    ),
    (
        "Observation-budgetMaximum",
        "Violation",
        "MaxCount",
        "INSERT DATA { :culture cskg:budgetMaximum 11.5 }",
    ),
    (
        "OrganisationTypeObservation-refOrganisationType",
        "Violation",
        "MinCount",
        "DELETE WHERE { :caf cskg:refOrganisationType ?t }",
    ),
    (
        "OrganisationTypeObservation-refOrganisationType",
        "Violation",
        "Node",
        "DELETE WHERE { :caf cskg:refOrganisationType ?t } ; INSERT DATA { :caf cskg:refOrganisationType thematique:culture }",
    ),
    (
        "OrganisationTypeObservation-organisationCount",
        "Violation",
        "MinInclusive",
        "DELETE WHERE { :caf cskg:organisationCount ?n } ; INSERT DATA { :caf cskg:organisationCount 0 }",
    ),
    (
        "OrganisationTypeObservation-partnerActionCount",
        "Violation",
        "MaxCount",
        "INSERT DATA { :caf cskg:partnerActionCount 2 }",
    ),
    (
        "OrganisationTypeObservation-funderActionCount",
        "Violation",
        "Datatype",
        'DELETE WHERE { :caf cskg:funderActionCount ?n } ; INSERT DATA { :caf cskg:funderActionCount "0"^^xsd:decimal }',
    ),
    (
        "OrganisationTypeObservation-funderActionCount",
        "Violation",
        "MinCount",
        "DELETE WHERE { :caf cskg:funderActionCount ?n }",
    ),
    (
        "ThemePairObservation-refFirstTheme",
        "Violation",
        "Node",
        "DELETE WHERE { :pair cskg:refFirstTheme ?t } ; INSERT DATA { :pair cskg:refFirstTheme <https://w3id.org/cskg/vocab/public/familles> }",
    ),
    (
        "ThemePairObservation-refSecondTheme",
        "Violation",
        "MinCount",
        "DELETE WHERE { :pair cskg:refSecondTheme ?t }",
    ),
    (
        "ThemePairObservation-sharedActionCount",
        "Violation",
        "MinInclusive",
        "DELETE WHERE { :pair cskg:sharedActionCount ?n } ; INSERT DATA { :pair cskg:sharedActionCount 0 }",
    ),
    (
        "PartnerObservation-refPartner",
        "Violation",
        "Class",
        "DELETE WHERE { :partner cskg:refPartner ?o } ; INSERT DATA { :partner cskg:refPartner :a }",
    ),
    (
        "PartnerObservation-joinedActionCount",
        "Violation",
        "MinCount",
        "DELETE WHERE { :partner cskg:joinedActionCount ?n }",
    ),
    (
        "PartnerObservation-structureCount",
        "Violation",
        "Datatype",
        'DELETE WHERE { :partner cskg:structureCount ?n } ; INSERT DATA { :partner cskg:structureCount "1"^^xsd:decimal }',
    ),
    (
        "FunderRegionObservation-refRegion",
        "Violation",
        "Class",
        "DELETE WHERE { :funder cskg:refRegion ?r } ; INSERT DATA { :funder cskg:refRegion dep:72 }",
    ),
    (
        "FunderRegionObservation-refFunder",
        "Violation",
        "MaxCount",
        "INSERT DATA { :funder cskg:refFunder :s }",
    ),
    (
        "FunderRegionObservation-fundedActionCount",
        "Violation",
        "MinInclusive",
        "DELETE WHERE { :funder cskg:fundedActionCount ?n } ; INSERT DATA { :funder cskg:fundedActionCount 0 }",
    ),
    (
        "StartYearObservation-refAction",
        "Violation",
        "Pattern",
        "DELETE WHERE { :start cskg:refAction ?a } ; INSERT DATA { :start cskg:refAction :s }",
    ),
    (
        "StartYearObservation-statedStartYear",
        "Violation",
        "MinInclusive",
        "DELETE WHERE { :start cskg:statedStartYear ?y } ; INSERT DATA { :start cskg:statedStartYear 1850 }",
    ),
    (
        "StartYearObservation-startYearEvidence",
        "Violation",
        "Datatype",
        'DELETE WHERE { :start cskg:startYearEvidence ?w } ; INSERT DATA { :start cskg:startYearEvidence "débuté en 2015"@fr }',
    ),
    (
        "DepartementObservation-refDepartement",
        "Violation",
        "Class",
        "DELETE WHERE { :in72 cskg:refDepartement ?d } ; INSERT DATA { :in72 cskg:refDepartement <http://id.insee.fr/geo/region/52> }",
    ),
    (
        "DepartementObservation-departementActionCount",
        "Violation",
        "MinInclusive",
        "DELETE WHERE { :in72 cskg:departementActionCount ?n } ; INSERT DATA { :in72 cskg:departementActionCount 0 }",
    ),
    (
        "RegionObservation-refRegion",
        "Violation",
        "MinCount",
        "DELETE WHERE { :in52 cskg:refRegion ?r }",
    ),
    (
        "RegionObservation-regionActionCount",
        "Violation",
        "MaxCount",
        "INSERT DATA { :in52 cskg:regionActionCount 2 }",
    ),
    (
        "EpciObservation-refEpci",
        "Violation",
        "MinCount",
        "DELETE WHERE { :inLeMans cskg:refEpci ?e }",
    ),
    (
        "EpciObservation-epciActionCount",
        "Violation",
        "Datatype",
        'DELETE WHERE { :inLeMans cskg:epciActionCount ?n } ; INSERT DATA { :inLeMans cskg:epciActionCount "1"^^xsd:decimal }',
    ),
]


def _graph(update: str = "") -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=VALID, format="turtle")
    if update:
        graph.update(PREFIXES + update)
    return graph


def _results(update: str = "") -> list[ShaclResult]:
    return validate_graph(_graph(update)).results


def test_the_small_graph_is_valid_with_no_result() -> None:
    assert _results() == []


def test_a_commune_of_mayotte_may_lie_directly_under_its_departement() -> None:
    """Mayotte has no arrondissement: its communes lie directly under département 976; no
    other département may be a commune's direct parent (case Commune-arrondissement/Or)."""
    mayotte = (
        UNLINK
        + 'INSERT DATA { :s cskg:commune com:97611 ; cskg:communeEvidence "MAMOUDZOU" . '
        + 'com:97611 a igeo:Commune ; igeo:codeINSEE "97611" ; igeo:nom "Mamoudzou"@fr ; '
        + "igeo:subdivisionDirecteDe dep:976 . dep:976 a igeo:Departement ; "
        + 'igeo:codeINSEE "976" ; igeo:nom "Mayotte"@fr ; igeo:subdivisionDirecteDe '
        + "<http://id.insee.fr/geo/region/06> . <http://id.insee.fr/geo/region/06> a igeo:Region ; "
        + 'igeo:codeINSEE "06" ; igeo:nom "Mayotte"@fr } ; '
        + "DELETE { :s cskg:departement ?d } INSERT { :s cskg:departement dep:976 } "
        + "WHERE { :s cskg:departement ?d }"
    )
    assert _results(mayotte) == []


@pytest.mark.parametrize(
    ("shape", "severity", "component", "update"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES]
)
def test_breaking_one_constraint_gives_exactly_its_result(
    shape: str, severity: str, component: str, update: str
) -> None:
    results = _results(update)
    # one result, or one per offending value (sh:equals reports both sides of a difference)
    assert results and {(r.shape, r.severity, r.component) for r in results} == {
        (SHAPE + shape, severity, component)
    }, results
    assert all(r.message for r in results)


def test_every_property_shape_is_broken_by_a_case_and_speaks_french() -> None:
    shapes = shapes_graph()
    property_shapes = {
        str(s) for s in shapes.objects(None, SH.property) if isinstance(s, rdflib.URIRef)
    }
    # and the node shapes that check the focus itself (sh:or of two paths)
    checking = {str(s) for s in shapes.subjects(SH["or"], None) if str(s) not in property_shapes}
    assert checking == {SHAPE + "CommuneInDepartement"}
    assert {SHAPE + case[0] for case in CASES} == property_shapes | checking
    for shape in property_shapes:
        node = rdflib.URIRef(shape)
        assert any(getattr(n, "language", None) == "fr" for n in shapes.objects(node, SH.name)), (
            shape
        )
        assert any(
            getattr(m, "language", None) == "fr" for m in shapes.objects(node, SH.message)
        ), shape
        assert shapes.value(node, SH.severity) in (SH.Violation, SH.Warning), shape
