// Word lists and asset catalogs the generators draw from. Kept apart so the generators read as
// logic, and so every value the sandbox can emit is visible in one place.

export const FIRST_NAMES = [
  'Ava',
  'Liam',
  'Olivia',
  'Noah',
  'Emma',
  'Mateo',
  'Sofia',
  'Lucas',
  'Mia',
  'Hiro',
  'Amara',
  'Ethan',
  'Chloe',
  'Raj',
  'Isabella',
  'Jonas',
  'Zoe',
  'Omar',
  'Grace',
  'Diego',
  'Lena',
  'Kwame',
  'Nora',
  'Yuki',
  'Elena',
  'Felix',
  'Priya',
  'Samuel',
  'Ingrid',
  'Tomás',
  'Aisha',
  'Leo',
  'Hannah',
  'Marco',
  'Fatima',
  'Oscar',
  'Julia',
  'Chen',
  'Maya',
  'Björn',
  'Renée',
  'Zoë',
] as const;

export const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Garcia',
  'Müller',
  'Nakamura',
  'Okafor',
  'Rossi',
  'Kowalski',
  'Dubois',
  'Silva',
  'Patel',
  'Andersson',
  'Kim',
  'Nguyen',
  'Brown',
  "O'Connor",
  'Schmidt',
  'Haddad',
  'Ivanova',
  'Tanaka',
  'Martin',
  'Lopez',
  'Wilson',
  'Clark',
  'Moreau',
  'Jensen',
  'Costa',
  'Yilmaz',
  'Novak',
  'Fischer',
  'Walker',
  'Young',
  'Hernández',
  'Chen',
  'Singh',
  'Adeyemi',
  'Larsen',
  'Bianchi',
  'Sato',
  'Evans',
] as const;

export const COMPANIES = [
  'Acme Corp',
  'Globex',
  'Initech',
  'Umbrella Analytics',
  'Hooli',
  'Stark Industries',
  'Wayne Enterprises',
  'Wonka Foods',
  'Cyberdyne Systems',
  'Soylent Labs',
  'Tyrell Corp',
  'Vandelay Industries',
  'Gringotts Bank',
  'Oceanic Airlines',
  'Pied Piper',
  'Massive Dynamic',
  'Aperture Science',
  'Blue Sun',
  'Monarch Solutions',
  'Nakatomi Trading',
  'Duff Brewing',
  'Prestige Worldwide',
  'Bluth Company',
  'Dunder Mifflin',
  'Sterling Cooper',
  'Los Pollos Hermanos',
  'Virtucon',
  'Ollivanders',
  'Krusty Krab',
  'Planet Express',
] as const;

export const COMPANY_DOMAINS = [
  'acme.example.com',
  'globex.example.com',
  'initech.example.org',
  'umbrella.example.net',
  'hooli.example.com',
  'mail.example.com',
  'corp.example.org',
  'example.net',
] as const;

export const TITLES = [
  'Marketing Manager',
  'VP Marketing',
  'CMO',
  'Demand Generation Lead',
  'Data Engineer',
  'Sales Director',
  'Account Executive',
  'Product Manager',
  'CTO',
  'Operations Analyst',
  'Head of Growth',
  'Software Engineer',
  'Marketing Operations Specialist',
  'Customer Success Manager',
  'CFO',
] as const;

export const LOCATIONS = [
  { city: 'San Francisco', state: 'CA', country: 'United States', postalCode: '94105' },
  { city: 'New York', state: 'NY', country: 'United States', postalCode: '10001' },
  { city: 'Austin', state: 'TX', country: 'United States', postalCode: '73301' },
  { city: 'Chicago', state: 'IL', country: 'United States', postalCode: '60601' },
  { city: 'Toronto', state: 'ON', country: 'Canada', postalCode: 'M5H 2N2' },
  { city: 'London', state: 'England', country: 'United Kingdom', postalCode: 'EC1A 1BB' },
  { city: 'Berlin', state: 'Berlin', country: 'Germany', postalCode: '10115' },
  { city: 'Paris', state: 'Île-de-France', country: 'France', postalCode: '75001' },
  { city: 'São Paulo', state: 'SP', country: 'Brazil', postalCode: '01000-000' },
  { city: 'Tokyo', state: 'Tokyo', country: 'Japan', postalCode: '100-0001' },
  { city: 'Sydney', state: 'NSW', country: 'Australia', postalCode: '2000' },
  { city: 'Bangalore', state: 'Karnataka', country: 'India', postalCode: '560001' },
] as const;

export const INDUSTRIES = [
  'Software',
  'Financial Services',
  'Healthcare',
  'Manufacturing',
  'Retail',
  'Education',
  'Media',
  'Telecommunications',
  'Energy',
  'Government',
] as const;

export const LEAD_SOURCES = ['Website', 'Webinar', 'Trade Show', 'Paid Search', 'Referral', 'List Import', 'Partner'] as const;
export const LEAD_STATUSES = ['Open', 'Working', 'Nurturing', 'Qualified', 'Unqualified', 'Converted'] as const;
export const RATINGS = ['Hot', 'Warm', 'Cold'] as const;
export const DEPARTMENTS = ['Marketing', 'Sales', 'Engineering', 'Finance', 'Operations', 'IT'] as const;

export const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
] as const;

export const WEBPAGES = [
  { id: 71, url: 'www.sandbox.example.com/' },
  { id: 72, url: 'www.sandbox.example.com/pricing' },
  { id: 73, url: 'www.sandbox.example.com/product/features' },
  { id: 74, url: 'www.sandbox.example.com/blog/marketo-airbyte' },
  { id: 75, url: 'www.sandbox.example.com/contact-us' },
  { id: 76, url: 'www.sandbox.example.com/webinars/2026-q1' },
  { id: 77, url: 'www.sandbox.example.com/customers' },
  { id: 78, url: 'go.sandbox.example.com/lp/ebook-data-pipelines.html' },
  { id: 79, url: 'www.sandbox.example.com/docs/getting-started' },
  { id: 80, url: 'www.sandbox.example.com/careers' },
] as const;

export const REFERRERS = [
  'https://www.google.com/',
  'https://www.linkedin.com/',
  'https://news.ycombinator.com/',
  'https://www.bing.com/',
  'https://t.co/',
  'https://duckduckgo.com/',
] as const;

export const SEARCH_QUERIES = ['marketo airbyte connector', 'marketing data pipeline', 'lead sync warehouse'] as const;

/** Forms are named "Program.Form" as Marketo writes assets inside programs. */
export const FORMS = [
  { id: 1001, name: 'Website.Contact Us Form', pageId: 75 },
  { id: 1002, name: 'Webinar 2026 Q1.Registration Form', pageId: 76 },
  { id: 1003, name: 'Ebook Data Pipelines.Download Form', pageId: 78 },
  { id: 1004, name: 'Website.Newsletter Signup', pageId: 71 },
] as const;

export const EMAILS = [
  { id: 5101, name: 'Newsletter January.Newsletter Email' },
  { id: 5102, name: 'Webinar 2026 Q1.Invitation' },
  { id: 5103, name: 'Webinar 2026 Q1.Reminder' },
  { id: 5104, name: 'Nurture Track A.Welcome Email' },
  { id: 5105, name: 'Nurture Track A.Case Study' },
  { id: 5106, name: 'Product Launch.Announcement' },
] as const;

export const EMAIL_LINKS = [
  'https://www.sandbox.example.com/pricing?utm_source=email',
  'https://www.sandbox.example.com/webinars/2026-q1?utm_source=email',
  'https://go.sandbox.example.com/lp/ebook-data-pipelines.html',
  'https://www.sandbox.example.com/blog/marketo-airbyte',
] as const;

export const STATIC_LISTS = [
  { id: 2001, name: 'Webinar Attendees 2026' },
  { id: 2002, name: 'Newsletter Subscribers' },
  { id: 2003, name: 'Trade Show Leads' },
  { id: 2004, name: 'High Value Accounts' },
] as const;

export const PROGRAMS = [
  { id: 1201, name: 'Webinar 2026 Q1' },
  { id: 1202, name: 'Nurture Track A' },
  { id: 1203, name: 'Ebook Data Pipelines' },
  { id: 1204, name: 'Product Launch' },
] as const;

/** Program statuses of a typical event channel: [id, name, success]. */
export const PROGRAM_STATUSES: ReadonlyArray<readonly [number, string, boolean]> = [
  [20, 'Not in Program', false],
  [21, 'Invited', false],
  [22, 'Registered', false],
  [23, 'Attended', true],
  [24, 'No Show', false],
];

export const CAMPAIGNS = [
  { id: 3101, name: 'Webinar 2026 Q1.Send Invitation' },
  { id: 3102, name: 'Nurture Track A.Stream' },
  { id: 3103, name: 'Operational.Lead Scoring' },
  { id: 3104, name: 'Operational.Data Normalisation' },
  { id: 3105, name: 'Product Launch.Announcement Blast' },
] as const;

export const INTERESTING_MOMENTS = [
  { type: 'Web', source: 'Web', description: 'Web: Visited pricing page' },
  { type: 'Email', source: 'Email', description: 'Email: Clicked webinar invitation' },
  { type: 'Milestone', source: 'Milestone', description: 'Milestone: Registered for Webinar 2026 Q1' },
  { type: 'Web', source: 'Web', description: 'Web: Downloaded the data pipelines ebook' },
] as const;

export const WEBINARS = [
  { id: 9001, name: 'Syncing Marketo to your warehouse' },
  { id: 9002, name: 'Reverse ETL in practice' },
  { id: 9003, name: 'Lead scoring with dbt' },
] as const;

export const BOUNCE_CATEGORIES = [
  { category: '1', subcategory: '1003', details: '550 5.1.1 The email account that you tried to reach does not exist' },
  { category: '2', subcategory: '2002', details: '452 4.2.2 The email account that you tried to reach is over quota' },
] as const;

/** Ways a lead enters the database, as New Lead's "Source Type" reports them. */
export const NEW_LEAD_SOURCE_TYPES = ['New lead', 'Web form fillout', 'Web service API', 'List import'] as const;

/** The API users (token `scope`) other than the sandbox's own that generated changes name. */
export const OTHER_API_USERS = ['crm-sync@sandbox.example.com', 'etl@sandbox.example.com'] as const;

/** API method names seen on changes made through the REST API. */
export const API_METHOD_NAMES = ['syncLead', 'mergeLeads', 'importLead'] as const;

/**
 * The subscription's segmentation. Marketo shows a lead's segment of each approved segmentation
 * as a read-only lead field; its REST name is UNVERIFIED (README, "Choices").
 */
export const SEGMENTATION = {
  id: 1001,
  name: 'Region',
  field: 'segmentation_region',
  segments: [
    { id: 2001, name: 'Default' },
    { id: 2002, name: 'EMEA' },
    { id: 2003, name: 'Americas' },
    { id: 2004, name: 'APAC' },
  ],
} as const;

/** Lead partitions (Admin > Workspaces & Partitions); a lead's `leadPartitionId` names one. */
export const LEAD_PARTITIONS = [
  { id: 1, name: 'Default' },
  { id: 2, name: 'EMEA Partition' },
  { id: 3, name: 'Partners' },
] as const;
