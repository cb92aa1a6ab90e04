import type { ActorKind, AssignmentRole, MeasureKind } from '@ml/masterplan';

/**
 * The story of the Aachen committee paper (2013), as data: who takes part, the four theme
 * fields, about thirty measures and who carries them. Ids are readable slugs so the demo
 * can be explored by hand (`measure(id: "m-08")`).
 */

export const ADMIN = { userId: 'fb02.wolf', isAdministrator: true };

export const ACTORS: Array<{
  id: string;
  name: string;
  kind: ActorKind;
  rep: string;
  repName: string;
}> = [
  {
    id: 'stadt-aachen',
    name: 'Stadt Aachen',
    kind: 'administration',
    rep: 'stadt.becker',
    repName: 'Anna Becker',
  },
  {
    id: 'staedteregion',
    name: 'StädteRegion Aachen',
    kind: 'administration',
    rep: 'sr.hoffmann',
    repName: 'Jens Hoffmann',
  },
  {
    id: 'zweckverband',
    name: 'Zweckverband Region Aachen',
    kind: 'administration',
    rep: 'zv.koch',
    repName: 'Petra Koch',
  },
  {
    id: 'dgb',
    name: 'DGB Region NRW Süd-West',
    kind: 'union',
    rep: 'dgb.weber',
    repName: 'Klaus Weber',
  },
  {
    id: 'agit',
    name: 'AGIT – Aachener Gesellschaft für Innovation und Technologietransfer',
    kind: 'agency',
    rep: 'agit.wagner',
    repName: 'Sabine Wagner',
  },
  { id: 'ihk', name: 'IHK Aachen', kind: 'chamber', rep: 'ihk.schmidt', repName: 'Rainer Schmidt' },
  {
    id: 'hwk',
    name: 'Handwerkskammer Aachen',
    kind: 'chamber',
    rep: 'hwk.schulz',
    repName: 'Monika Schulz',
  },
  {
    id: 'irr',
    name: 'Innovationsregion Rheinisches Revier',
    kind: 'agency',
    rep: 'irr.fischer',
    repName: 'Thomas Fischer',
  },
  {
    id: 'mais',
    name: 'Ministerium für Arbeit, Integration und Soziales NRW',
    kind: 'ministry',
    rep: 'mais.meyer',
    repName: 'Dr. Ute Meyer',
  },
  {
    id: 'mweimh',
    name: 'Ministerium für Wirtschaft, Energie, Industrie, Mittelstand und Handwerk NRW',
    kind: 'ministry',
    rep: 'mweimh.braun',
    repName: 'Dr. Frank Braun',
  },
  {
    id: 'rwth',
    name: 'RWTH Aachen University',
    kind: 'university',
    rep: 'rwth.krueger',
    repName: 'Prof. Lena Krüger',
  },
  {
    id: 'fh-aachen',
    name: 'FH Aachen',
    kind: 'university',
    rep: 'fh.neumann',
    repName: 'Prof. Jörg Neumann',
  },
  {
    id: 'gruenderregion',
    name: 'Gründerregion Aachen',
    kind: 'network',
    rep: 'gr.zimmermann',
    repName: 'Eva Zimmermann',
  },
  {
    id: 'regionalagentur',
    name: 'Regionalagentur Region Aachen',
    kind: 'network',
    rep: 'ra.hartmann',
    repName: 'Bernd Hartmann',
  },
  {
    id: 'maschinenbau-eschweiler',
    name: 'Eschweiler Maschinenbau GmbH',
    kind: 'company',
    rep: 'emb.lange',
    repName: 'Stefan Lange',
  },
  {
    id: 'aachener-glaswerke',
    name: 'Aachener Glaswerke AG',
    kind: 'company',
    rep: 'agw.schmitz',
    repName: 'Julia Schmitz',
  },
];

export const THEME_FIELDS = [
  {
    id: 'standortkommunikation',
    name: 'Standortkommunikation',
    description:
      'Location marketing: make the industrial region visible to investors, talent and the public.',
  },
  {
    id: 'fachkraefte',
    name: 'Fachkräfte',
    description:
      'Skilled workers: training, further education and attracting specialists to the region.',
  },
  {
    id: 'innovationen',
    name: 'Innovationen',
    description:
      'Innovation: transfer between universities and industry, start-ups, new technologies.',
  },
  {
    id: 'rahmenbedingungen',
    name: 'Rahmenbedingungen',
    description:
      'Framework conditions: land, permits, infrastructure, energy and structural change.',
  },
];

type Assignment = [actorId: string, role: AssignmentRole];

export interface MeasureSeed {
  id: string;
  themeField: string;
  title: string;
  description: string;
  kind: MeasureKind;
  assignments: Assignment[];
}

/** Measures the administration defines directly (FB 02's sketch after the Berlin model). */
export const MEASURES: MeasureSeed[] = [
  {
    id: 'm-01',
    themeField: 'standortkommunikation',
    title: 'Kampagne „Industrie in der Region Aachen“',
    description: 'A joint campaign showing what industry makes here and who works in it.',
    kind: 'lead_project',
    assignments: [
      ['agit', 'lead'],
      ['ihk', 'partner'],
      ['staedteregion', 'partner'],
    ],
  },
  {
    id: 'm-02',
    themeField: 'standortkommunikation',
    title: 'Tag der offenen Industrie',
    description: 'Once a year, factories open their doors to families, pupils and neighbours.',
    kind: 'quick_win',
    assignments: [
      ['ihk', 'lead'],
      ['hwk', 'partner'],
      ['maschinenbau-eschweiler', 'supporter'],
      ['aachener-glaswerke', 'supporter'],
    ],
  },
  {
    id: 'm-04',
    themeField: 'standortkommunikation',
    title: 'Imagefilm Industrieregion',
    description: 'A short film about the region as an industrial location.',
    kind: 'quick_win',
    assignments: [['zweckverband', 'lead']],
  },
  {
    id: 'm-05',
    themeField: 'standortkommunikation',
    title: 'Standortprofil für Investoren',
    description: 'One profile of sites, sectors and contacts for investors, in German and English.',
    kind: 'standard',
    assignments: [
      ['agit', 'lead'],
      ['zweckverband', 'partner'],
    ],
  },
  {
    id: 'm-06',
    themeField: 'standortkommunikation',
    title: 'Industriepreis Region Aachen',
    description: 'An award for companies that invest in the region and its workforce.',
    kind: 'standard',
    assignments: [
      ['ihk', 'lead'],
      ['dgb', 'partner'],
    ],
  },
  {
    id: 'm-07',
    themeField: 'standortkommunikation',
    title: 'Akzeptanzdialog Industrie und Nachbarschaft',
    description: 'Moderated dialogue where industrial sites meet residential areas.',
    kind: 'standard',
    assignments: [
      ['staedteregion', 'lead'],
      ['stadt-aachen', 'partner'],
    ],
  },
  {
    id: 'm-09',
    themeField: 'fachkraefte',
    title: 'MINT-Netzwerk Schulen und Betriebe',
    description: 'Partnerships between schools and companies in science and engineering.',
    kind: 'lead_project',
    assignments: [
      ['regionalagentur', 'delegated'],
      ['fh-aachen', 'supporter'],
    ],
  },
  {
    id: 'm-10',
    themeField: 'fachkraefte',
    title: 'Weiterbildungsverbund Industrie 4.0',
    description: 'Shared further-education courses for employees of small and medium-sized firms.',
    kind: 'lead_project',
    assignments: [
      ['hwk', 'lead'],
      ['dgb', 'partner'],
      ['rwth', 'supporter'],
    ],
  },
  {
    id: 'm-11',
    themeField: 'fachkraefte',
    title: 'Rückkehrer-Kampagne für Fachkräfte',
    description: 'Win back skilled people who left the region.',
    kind: 'quick_win',
    assignments: [['zweckverband', 'lead']],
  },
  {
    id: 'm-12',
    themeField: 'fachkraefte',
    title: 'Duales Studium Industrie',
    description: 'More dual study places combining university and company training.',
    kind: 'standard',
    assignments: [
      ['fh-aachen', 'lead'],
      ['ihk', 'partner'],
    ],
  },
  {
    id: 'm-13',
    themeField: 'fachkraefte',
    title: 'Gesund älter werden im Industriebetrieb',
    description: 'Workplace health programmes so older employees stay productive.',
    kind: 'standard',
    assignments: [
      ['dgb', 'lead'],
      ['mais', 'supporter'],
    ],
  },
  {
    id: 'm-14',
    themeField: 'fachkraefte',
    title: 'Welcome Center für internationale Fachkräfte',
    description: 'One point of contact for specialists moving to the region.',
    kind: 'lead_project',
    assignments: [
      ['staedteregion', 'lead'],
      ['rwth', 'partner'],
    ],
  },
  {
    id: 'm-16',
    themeField: 'innovationen',
    title: 'Gründungsförderung technologieorientierter Start-ups',
    description:
      'Coaching and financing for technology start-ups, through the existing founders network.',
    kind: 'lead_project',
    assignments: [
      ['gruenderregion', 'delegated'],
      ['agit', 'supporter'],
    ],
  },
  {
    id: 'm-17',
    themeField: 'innovationen',
    title: 'Innovationsgutscheine für KMU',
    description: 'Vouchers that let small firms buy research services.',
    kind: 'quick_win',
    assignments: [
      ['mweimh', 'lead'],
      ['agit', 'partner'],
    ],
  },
  {
    id: 'm-18',
    themeField: 'innovationen',
    title: 'Demonstrationsfabrik Industrie 4.0',
    description: 'A learning factory where firms try connected production.',
    kind: 'lead_project',
    assignments: [
      ['rwth', 'lead'],
      ['maschinenbau-eschweiler', 'partner'],
    ],
  },
  {
    id: 'm-19',
    themeField: 'innovationen',
    title: 'Kooperationsbörse Hochschule–Industrie',
    description: 'Regular matchmaking between researchers and companies.',
    kind: 'standard',
    assignments: [
      ['fh-aachen', 'lead'],
      ['rwth', 'partner'],
    ],
  },
  {
    id: 'm-20',
    themeField: 'innovationen',
    title: 'Cluster Energie- und Ressourceneffizienz',
    description: 'A cluster for energy-intensive industry to cut costs and emissions.',
    kind: 'lead_project',
    assignments: [
      ['irr', 'lead'],
      ['aachener-glaswerke', 'partner'],
    ],
  },
  {
    id: 'm-21',
    themeField: 'innovationen',
    title: 'Beratung zur Patentverwertung',
    description: 'Advice for firms on protecting and licensing inventions.',
    kind: 'standard',
    assignments: [['ihk', 'lead']],
  },
  {
    id: 'm-22',
    themeField: 'rahmenbedingungen',
    title: 'Gewerbeflächenpool Region Aachen',
    description: 'A regional pool of industrial land, planned and marketed together.',
    kind: 'lead_project',
    assignments: [
      ['zweckverband', 'lead'],
      ['staedteregion', 'partner'],
      ['stadt-aachen', 'partner'],
    ],
  },
  {
    id: 'm-23',
    themeField: 'rahmenbedingungen',
    title: 'Lotsenstelle für Genehmigungsverfahren',
    description: 'One pilot through permits for industrial investments.',
    kind: 'quick_win',
    assignments: [['staedteregion', 'lead']],
  },
  {
    id: 'm-24',
    themeField: 'rahmenbedingungen',
    title: 'Breitband für Gewerbegebiete',
    description: 'Fibre connections for every industrial estate.',
    kind: 'standard',
    assignments: [
      ['staedteregion', 'lead'],
      ['mweimh', 'supporter'],
    ],
  },
  {
    id: 'm-25',
    themeField: 'rahmenbedingungen',
    title: 'Landesinitiative Energiepreise und Netzentgelte',
    description: 'Carry the region’s concerns on energy costs to state and federal level.',
    kind: 'standard',
    assignments: [
      ['mweimh', 'lead'],
      ['ihk', 'supporter'],
    ],
  },
  {
    id: 'm-26',
    themeField: 'rahmenbedingungen',
    title: 'Güterverkehr auf die Schiene',
    description: 'Rail connections for freight from the industrial estates.',
    kind: 'standard',
    assignments: [['zweckverband', 'lead']],
  },
  {
    id: 'm-27',
    themeField: 'rahmenbedingungen',
    title: 'Industriefreundliche Bauleitplanung',
    description: 'Keep industrial land from being squeezed out by other uses.',
    kind: 'standard',
    assignments: [['stadt-aachen', 'lead']],
  },
  {
    id: 'm-28',
    themeField: 'rahmenbedingungen',
    title: 'Regionale Strategie Strukturwandel Braunkohle',
    description: 'Prepare the region for the end of lignite mining.',
    kind: 'lead_project',
    assignments: [
      ['irr', 'lead'],
      ['staedteregion', 'partner'],
      ['dgb', 'partner'],
    ],
  },
  {
    id: 'm-29',
    themeField: 'rahmenbedingungen',
    title: 'Arbeitsmarktprogramm für Industriebeschäftigte',
    description: 'Help employees of closing plants into new jobs before they become unemployed.',
    kind: 'standard',
    assignments: [
      ['mais', 'lead'],
      ['dgb', 'partner'],
      ['regionalagentur', 'supporter'],
    ],
  },
];

export const WORKING_GROUPS = [
  {
    id: 'wg-standort',
    themeField: 'standortkommunikation',
    name: 'Kleingruppe Standortkommunikation',
    facilitator: 'agit',
    members: ['ihk', 'staedteregion', 'zweckverband'],
  },
  {
    id: 'wg-fachkraefte',
    themeField: 'fachkraefte',
    name: 'Kleingruppe Fachkräfte',
    facilitator: 'dgb',
    members: ['ihk', 'hwk', 'fh-aachen', 'regionalagentur'],
  },
  {
    id: 'wg-innovation',
    themeField: 'innovationen',
    name: 'Kleingruppe Innovationen',
    facilitator: 'rwth',
    members: ['agit', 'gruenderregion', 'irr', 'maschinenbau-eschweiler'],
  },
  {
    id: 'wg-rahmen',
    themeField: 'rahmenbedingungen',
    name: 'Kleingruppe Rahmenbedingungen',
    facilitator: 'zweckverband',
    members: ['dgb', 'staedteregion', 'aachener-glaswerke', 'hwk'],
  },
];

export type ProposalOutcome =
  | { accept: { measureId: string; kind: MeasureKind; assignments: Assignment[] } }
  | { reject: string }
  | { withdraw: string };

/** Proposals the working groups work out; some become measures, some do not. */
export const PROPOSALS: Array<{
  id: string;
  group: string;
  by: string;
  title: string;
  description: string;
  revision?: string;
  outcome: ProposalOutcome;
}> = [
  {
    id: 'p-01',
    group: 'wg-standort',
    by: 'agit',
    title: 'Industrie-Atlas Region Aachen',
    description: 'An online map of industrial companies, products and training places.',
    outcome: {
      accept: {
        measureId: 'm-03',
        kind: 'quick_win',
        assignments: [
          ['agit', 'lead'],
          ['ihk', 'partner'],
        ],
      },
    },
  },
  {
    id: 'p-02',
    group: 'wg-fachkraefte',
    by: 'ihk',
    title: 'Ausbildungsoffensive Industrie',
    description: 'More apprenticeships in industrial occupations, with a joint placement campaign.',
    revision:
      'More apprenticeships in industrial occupations, with a joint placement campaign and mentoring for the first year.',
    outcome: {
      accept: {
        measureId: 'm-08',
        kind: 'quick_win',
        assignments: [
          ['ihk', 'lead'],
          ['hwk', 'partner'],
          ['dgb', 'supporter'],
        ],
      },
    },
  },
  {
    id: 'p-03',
    group: 'wg-innovation',
    by: 'agit',
    title: 'Technologietransfer-Scouts',
    description: 'Scouts who visit firms and connect them with the right institute.',
    outcome: {
      accept: {
        measureId: 'm-15',
        kind: 'lead_project',
        assignments: [
          ['agit', 'lead'],
          ['rwth', 'partner'],
          ['fh-aachen', 'partner'],
        ],
      },
    },
  },
  {
    id: 'p-04',
    group: 'wg-rahmen',
    by: 'dgb',
    title: 'Krisenfrühwarnsystem Industriebetriebe',
    description: 'Chambers and unions notice early when a plant is at risk and bring help in time.',
    outcome: {
      accept: {
        measureId: 'm-30',
        kind: 'quick_win',
        assignments: [
          ['ihk', 'lead'],
          ['dgb', 'partner'],
        ],
      },
    },
  },
  {
    id: 'p-05',
    group: 'wg-standort',
    by: 'zweckverband',
    title: 'Eigene Industrie-Messe Aachen',
    description: 'A new annual industry fair in Aachen.',
    outcome: {
      reject: 'No duplicate structures: existing fairs and the AGIT events already cover this.',
    },
  },
  {
    id: 'p-06',
    group: 'wg-innovation',
    by: 'maschinenbau-eschweiler',
    title: 'Neue regionale Innovationsagentur',
    description: 'Found a new agency for innovation in industry.',
    outcome: {
      reject: 'No duplicate structures: AGIT already is the regional agency; delegated there.',
    },
  },
  {
    id: 'p-07',
    group: 'wg-rahmen',
    by: 'dgb',
    title: 'Pendlerbus-Netz zu Gewerbegebieten',
    description: 'Bus lines from the towns to the industrial estates for shift workers.',
    outcome: { withdraw: 'Merged into the rail and transport measure of the Zweckverband.' },
  },
];

export interface CommitmentSeed {
  id: string;
  actor: string;
  measure?: string;
  statement: string;
  resources?: string;
  dueDate?: string;
  then?: { withdraw: string } | { fulfil: string };
}

export const COMMITMENTS: CommitmentSeed[] = [
  {
    id: 'c-01',
    actor: 'ihk',
    measure: 'm-08',
    statement: 'We place 150 additional industrial apprentices by the 2014 training year.',
    resources: 'Two training advisers',
    dueDate: '2014-09-01',
  },
  {
    id: 'c-02',
    actor: 'hwk',
    measure: 'm-08',
    statement: 'We open our training workshops for industrial pre-apprenticeships.',
    resources: 'Workshop capacity, 40 places',
    dueDate: '2014-06-30',
  },
  {
    id: 'c-03',
    actor: 'dgb',
    measure: 'm-08',
    statement: 'Our works councils promote the campaign in every participating company.',
  },
  {
    id: 'c-04',
    actor: 'agit',
    measure: 'm-01',
    statement: 'We lead the campaign and fund the first year.',
    resources: 'EUR 120,000',
    dueDate: '2014-12-31',
  },
  {
    id: 'c-05',
    actor: 'rwth',
    measure: 'm-18',
    statement: 'We build the learning factory on the campus.',
    resources: 'Hall space and 4 staff',
    dueDate: '2015-06-30',
  },
  {
    id: 'c-06',
    actor: 'maschinenbau-eschweiler',
    measure: 'm-18',
    statement: 'We contribute a production line as demonstrator.',
    dueDate: '2015-06-30',
  },
  {
    id: 'c-07',
    actor: 'gruenderregion',
    measure: 'm-16',
    statement: 'We run a dedicated coaching track for industrial start-ups.',
    resources: '10 coaching slots a year',
  },
  {
    id: 'c-08',
    actor: 'zweckverband',
    measure: 'm-22',
    statement: 'We bring the land pool to a council decision in all member municipalities.',
    dueDate: '2014-03-31',
  },
  {
    id: 'c-09',
    actor: 'staedteregion',
    measure: 'm-23',
    statement: 'We set up the permit pilot within six months.',
    resources: 'One full-time post',
    dueDate: '2013-12-31',
    then: { fulfil: 'The Lotsenstelle opened on 2 December 2013.' },
  },
  {
    id: 'c-10',
    actor: 'irr',
    measure: 'm-28',
    statement: 'We draft the regional strategy with all districts of the Revier.',
    dueDate: '2014-12-31',
  },
  {
    id: 'c-11',
    actor: 'mweimh',
    measure: 'm-17',
    statement: 'The state funds 200 innovation vouchers for the region.',
    resources: 'EUR 400,000',
  },
  {
    id: 'c-12',
    actor: 'mais',
    measure: 'm-29',
    statement: 'The state co-finances the programme from ESF funds.',
    resources: 'ESF co-financing',
  },
  {
    id: 'c-13',
    actor: 'fh-aachen',
    measure: 'm-12',
    statement: 'We offer 60 dual study places in mechanical and electrical engineering.',
    dueDate: '2014-10-01',
  },
  {
    id: 'c-14',
    actor: 'aachener-glaswerke',
    measure: 'm-20',
    statement: 'We share our energy data for the cluster’s benchmark.',
    then: { withdraw: 'Our new owners do not allow sharing production data.' },
  },
  {
    id: 'c-15',
    actor: 'zweckverband',
    measure: 'm-04',
    statement: 'We produce the film in 2013.',
    dueDate: '2013-12-31',
    then: { withdraw: 'The measure was cancelled; the campaign m-01 covers it.' },
  },
  {
    id: 'c-16',
    actor: 'ihk',
    measure: 'm-30',
    statement: 'We set up the early-warning contact point in the chamber.',
    dueDate: '2013-10-01',
    then: { fulfil: 'Contact point running since September 2013.' },
  },
  {
    id: 'c-17',
    actor: 'dgb',
    measure: 'm-30',
    statement: 'Works councils report early signs of crisis to the contact point.',
  },
  {
    id: 'c-18',
    actor: 'agit',
    measure: 'm-15',
    statement: 'We employ three transfer scouts.',
    resources: '3 posts',
    dueDate: '2014-01-31',
  },
  {
    id: 'c-19',
    actor: 'hwk',
    measure: 'm-10',
    statement: 'We run the first course series in 2014.',
    dueDate: '2014-12-31',
    then: { withdraw: 'Funding for the course series was not granted; we re-commit once it is.' },
  },
  {
    id: 'c-20',
    actor: 'mweimh',
    statement:
      'The ministry takes on the joint patronage of the industry dialogue and the masterplan.',
  },
  {
    id: 'c-21',
    actor: 'mais',
    statement:
      'The ministry takes on the joint patronage of the industry dialogue and the masterplan.',
  },
];

export const SIGNATORIES = [
  'stadt-aachen',
  'staedteregion',
  'zweckverband',
  'dgb',
  'agit',
  'ihk',
  'hwk',
  'irr',
  'mais',
  'mweimh',
  'rwth',
];
