// External code systems and identifier namespaces used across the guide.
Alias: $sct = http://snomed.info/sct
Alias: $loinc = http://loinc.org
Alias: $v3-ActCode = http://terminology.hl7.org/CodeSystem/v3-ActCode
Alias: $v3-ParticipationType = http://terminology.hl7.org/CodeSystem/v3-ParticipationType
Alias: $consentscope = http://terminology.hl7.org/CodeSystem/consentscope
// US Core's condition-category holds health-concern (R4 core's has only problem-list-item and
// encounter-diagnosis); the mapper writes this system for assessed needs (adapter/fhir/data).
Alias: $us-condition-category = http://hl7.org/fhir/us/core/CodeSystem/condition-category
// UK Core identifier namespaces (NHS England)
Alias: $nhs-number = https://fhir.nhs.uk/Id/nhs-number
Alias: $ods-organization-code = https://fhir.nhs.uk/Id/ods-organization-code
// UK Core's ethnic category extension (its definitions: input/resources/ukcore, UK Core 2.3.0)
Alias: $UKCoreEthnicCategory = https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory
// Our own identifier namespaces (adapter/model/identifiers.py)
Alias: $prison-number = https://fhir.careplan-adapter.org/Id/prison-number
Alias: $pnc-id = https://fhir.careplan-adapter.org/Id/pnc-id
