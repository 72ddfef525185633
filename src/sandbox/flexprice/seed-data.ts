/** Word lists and places for the Flexprice seed: companies in several countries. */

export interface Country {
  code: string;
  suffix: string;
  timezone: string;
  phone: string;
  /** [city, state, postal code] */
  places: [string, string, string][];
}

export const COUNTRIES: Country[] = [
  {
    code: 'US',
    suffix: 'Inc.',
    timezone: 'America/New_York',
    phone: '+1',
    places: [
      ['New York', 'NY', '10001'],
      ['Austin', 'TX', '78701'],
      ['San Francisco', 'CA', '94107'],
    ],
  },
  {
    code: 'IN',
    suffix: 'Pvt Ltd',
    timezone: 'Asia/Kolkata',
    phone: '+91',
    places: [
      ['Pune', 'MH', '411001'],
      ['Bengaluru', 'KA', '560001'],
    ],
  },
  {
    code: 'DE',
    suffix: 'GmbH',
    timezone: 'Europe/Berlin',
    phone: '+49',
    places: [
      ['Berlin', 'BE', '10115'],
      ['München', 'BY', '80331'],
    ],
  },
  {
    code: 'FR',
    suffix: 'SAS',
    timezone: 'Europe/Paris',
    phone: '+33',
    places: [
      ['Paris', 'IDF', '75002'],
      ['Lyon', 'ARA', '69002'],
    ],
  },
  {
    code: 'GB',
    suffix: 'Ltd',
    timezone: 'Europe/London',
    phone: '+44',
    places: [
      ['London', '', 'EC1A 1BB'],
      ['Manchester', '', 'M1 1AE'],
    ],
  },
  {
    code: 'BR',
    suffix: 'Ltda',
    timezone: 'America/Sao_Paulo',
    phone: '+55',
    places: [['São Paulo', 'SP', '01310-100']],
  },
  {
    code: 'JP',
    suffix: 'K.K.',
    timezone: 'Asia/Tokyo',
    phone: '+81',
    places: [['Tokyo', '13', '100-0005']],
  },
  {
    code: 'AU',
    suffix: 'Pty Ltd',
    timezone: 'Australia/Sydney',
    phone: '+61',
    places: [['Sydney', 'NSW', '2000']],
  },
  {
    code: 'MX',
    suffix: 'S.A. de C.V.',
    timezone: 'America/Mexico_City',
    phone: '+52',
    places: [['Ciudad de México', 'CDMX', '06600']],
  },
];

export const BRANDS = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Hooli',
  'Vandelay',
  'Soylent',
  'Tyrell',
  'Cyberdyne',
  'Wonka',
  'Aperture',
  'Nakatomi',
  'Oscorp',
  'Monarch',
  'Gringotts',
  'Stark',
  'Wayne',
  'Dunder',
  'Pied Piper',
  'Prestige',
  'Bluth',
  'Krusty',
  'Sirius',
  'Zorg',
  'Müller',
];
export const TRADES = [
  'Analytics',
  'Logistics',
  'Labs',
  'Systems',
  'Foods',
  'Robotics',
  'Health',
  'Media',
  'Energy',
  'Capital',
  'Software',
  'Studios',
];
export const STREETS = [
  'Market Street',
  'Main Street',
  'Hauptstraße',
  'Rue de Rivoli',
  'MG Road',
  'King Street',
];
export const PLANS = ['free', 'starter', 'pro', 'enterprise'];
export const REGIONS = ['na', 'eu', 'apac', 'latam'];
export const INTEGRATIONS = ['stripe', 'hubspot', 'razorpay', 'quickbooks'];
