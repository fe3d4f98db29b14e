'use strict';
// Static vocabularies for generated users, groups and System Log events.

const { weightedTable } = require('./rng.cjs');

const FIRST_NAMES = [
  'Aarav', 'Abigail', 'Adrian', 'Aisha', 'Alejandro', 'Alice', 'Amara', 'Ana', 'Andrei', 'Arjun',
  'Ben', 'Carlos', 'Chen', 'Chloe', 'Daniel', 'Diego', 'Elena', 'Emeka', 'Emma', 'Fatima',
  'Freya', 'Gabriel', 'Grace', 'Hana', 'Hiroshi', 'Ines', 'Isaac', 'Ivan', 'Jack', 'Jana',
  'Javier', 'Jin', 'Julia', 'Kai', 'Karim', 'Laura', 'Leo', 'Lina', 'Lucas', 'Maya',
  'Mei', 'Mohammed', 'Nadia', 'Noah', 'Olga', 'Omar', 'Priya', 'Rafael', 'Sara', 'Sofia',
  'Tomás', 'Yuki', 'Zara', 'Zoe',
];
const LAST_NAMES = [
  'Adams', 'Ahmed', 'Andersson', 'Bauer', 'Brown', 'Chen', 'Costa', 'Davis', 'Dubois', 'Evans',
  'Fernandez', 'Fischer', 'Garcia', 'Gupta', 'Hansen', 'Hernandez', 'Ito', 'Jansen', 'Johnson', 'Kim',
  'Kowalski', 'Kumar', 'Lee', 'Lopez', 'Martin', 'Müller', 'Nakamura', 'Nguyen', "O'Brien", 'Okafor',
  'Patel', 'Petrov', 'Rossi', 'Santos', 'Schmidt', 'Silva', 'Singh', 'Smith', 'Sato', 'Tanaka',
  'Taylor', 'Thompson', 'Walker', 'Wang', 'Weber', 'Williams', 'Wilson', 'Yilmaz', 'Zhang',
];

// Mostly ACTIVE, every Okta lifecycle status represented.
const USER_STATUSES = weightedTable([
  [74, 'ACTIVE'],
  [4, 'STAGED'],
  [5, 'PROVISIONED'],
  [2, 'RECOVERY'],
  [2, 'LOCKED_OUT'],
  [3, 'PASSWORD_EXPIRED'],
  [4, 'SUSPENDED'],
  [6, 'DEPROVISIONED'],
]);

const CREDENTIAL_PROVIDERS = weightedTable([
  [85, { type: 'OKTA', name: 'OKTA' }],
  [10, { type: 'ACTIVE_DIRECTORY', name: 'corp.example.com' }],
  [5, { type: 'FEDERATION', name: 'FEDERATION' }],
]);

const DEPARTMENTS = [
  'Engineering', 'Sales', 'Marketing', 'Finance', 'Support', 'Legal', 'People', 'IT',
  'Security', 'Operations', 'Product', 'Design', 'Data', 'Facilities', 'Partners',
];
const GROUP_KINDS = ['Team', 'Admins', 'Contractors', 'Managers', 'On-call', 'Readers', 'Approvers', 'Project'];
const GROUP_TYPES = weightedTable([
  [80, 'OKTA_GROUP'],
  [20, 'APP_GROUP'],
]);

const APPS = [
  { name: 'salesforce', label: 'Salesforce.com', signOnMode: 'SAML_2_0' },
  { name: 'slack', label: 'Slack', signOnMode: 'SAML_2_0' },
  { name: 'google', label: 'Google Workspace', signOnMode: 'SAML_2_0' },
  { name: 'office365', label: 'Microsoft Office 365', signOnMode: 'WS_FEDERATION' },
  { name: 'zoomus', label: 'Zoom', signOnMode: 'SAML_2_0' },
  { name: 'github', label: 'GitHub Enterprise Cloud', signOnMode: 'SAML_2_0' },
  { name: 'atlassian', label: 'Atlassian Cloud', signOnMode: 'SAML_2_0' },
  { name: 'oidc_client', label: 'Internal Portal', signOnMode: 'OPENID_CONNECT' },
  { name: 'bookmark', label: 'Expense Tool', signOnMode: 'BOOKMARK' },
];

// Apps beyond APPS (which System Log events reference): cycled, numbered on repeats.
const MORE_APPS = [
  { name: 'box', label: 'Box', signOnMode: 'SAML_2_0' },
  { name: 'workday', label: 'Workday', signOnMode: 'SAML_2_0' },
  { name: 'servicenow_app2', label: 'ServiceNow', signOnMode: 'SAML_2_0' },
  { name: 'zendesk', label: 'Zendesk', signOnMode: 'SAML_2_0' },
  { name: 'docusign', label: 'DocuSign', signOnMode: 'SAML_2_0' },
  { name: 'amazon_aws_sso', label: 'AWS IAM Identity Center', signOnMode: 'SAML_2_0' },
  { name: 'oidc_client', label: 'Internal API Client', signOnMode: 'OPENID_CONNECT' },
  { name: 'template_swa', label: 'Payroll Portal', signOnMode: 'BROWSER_PLUGIN' },
  { name: 'dropbox_for_business', label: 'Dropbox Business', signOnMode: 'SAML_2_0' },
  { name: 'bookmark', label: 'Benefits Site', signOnMode: 'BOOKMARK' },
  { name: 'tableauonline', label: 'Tableau Cloud', signOnMode: 'SAML_2_0' },
  { name: 'template_basic_auth', label: 'Legacy Intranet', signOnMode: 'BASIC_AUTH' },
];

// Enrollable factors (Okta Factors API): weight, factorType, provider, vendorName, id prefix.
const FACTOR_TYPES = weightedTable([
  [34, { factorType: 'push', provider: 'OKTA', vendorName: 'OKTA', prefix: 'opf' }],
  [14, { factorType: 'signed_nonce', provider: 'OKTA', vendorName: 'OKTA', prefix: 'pfd' }],
  [10, { factorType: 'token:software:totp', provider: 'OKTA', vendorName: 'OKTA', prefix: 'ost' }],
  [9, { factorType: 'token:software:totp', provider: 'GOOGLE', vendorName: 'GOOGLE', prefix: 'uft' }],
  [12, { factorType: 'sms', provider: 'OKTA', vendorName: 'OKTA', prefix: 'mbl' }],
  [3, { factorType: 'call', provider: 'OKTA', vendorName: 'OKTA', prefix: 'clf' }],
  [8, { factorType: 'email', provider: 'OKTA', vendorName: 'OKTA', prefix: 'emf' }],
  [6, { factorType: 'webauthn', provider: 'FIDO', vendorName: 'FIDO', prefix: 'fwf' }],
  [2, { factorType: 'token:hardware', provider: 'YUBICO', vendorName: 'YUBICO', prefix: 'ykf' }],
  [2, { factorType: 'web', provider: 'DUO', vendorName: 'DUO', prefix: 'dsf' }],
]);
const FACTOR_STATUSES = weightedTable([[90, 'ACTIVE'], [7, 'PENDING_ACTIVATION'], [3, 'DISABLED']]);
// Factors per user with an enrollable status (0 to 4; most have 1 or 2).
const FACTOR_COUNTS = weightedTable([[14, 0], [44, 1], [30, 2], [8, 3], [4, 4]]);
const DEVICES = [
  ['iPhone 15', 'IOS', '17.4.1', 'SmartPhone_IPhone'],
  ['Pixel 8', 'ANDROID', '14', 'SmartPhone_Android'],
  ['iPhone 13 mini', 'IOS', '16.7.2', 'SmartPhone_IPhone'],
  ['Galaxy S23', 'ANDROID', '14', 'SmartPhone_Android'],
];
// System Log entries of factor changes (not sign-ins).
const FACTOR_EVENTS = {
  activate: { eventType: 'user.mfa.factor.activate', displayMessage: 'Activate factor or authenticator', legacyEventType: 'core.user.factor.activate' },
  deactivate: { eventType: 'user.mfa.factor.deactivate', displayMessage: 'Reset factor or authenticator', legacyEventType: 'core.user.factor.deactivate' },
  reset_all: { eventType: 'user.mfa.factor.reset_all', displayMessage: 'Reset all factors for user', legacyEventType: 'core.user.factor.reset_all' },
  update: { eventType: 'user.mfa.factor.update', displayMessage: 'Update factor or authenticator', legacyEventType: 'core.user.factor.update' },
};

// city, state, country, postalCode, lat, lon, AS number, AS org, ISP, domain.
const LOCATIONS = [
  ['San Francisco', 'California', 'United States', '94107', 37.7697, -122.3933, 7922, 'comcast', 'comcast cable communications  llc', 'comcast.net'],
  ['New York', 'New York', 'United States', '10001', 40.7484, -73.9967, 701, 'verizon', 'verizon business', 'verizon.net'],
  ['Austin', 'Texas', 'United States', '78701', 30.2711, -97.7437, 7018, 'at&t services  inc.', 'at&t services  inc.', 'att.net'],
  ['Seattle', 'Washington', 'United States', '98101', 47.6101, -122.3344, 20115, 'charter communications', 'charter communications inc', 'spectrum.com'],
  ['London', 'England', 'United Kingdom', 'EC1A', 51.5164, -0.093, 2856, 'british telecommunications plc', 'bt public internet service', 'bt.com'],
  ['Berlin', 'Land Berlin', 'Germany', '10115', 52.5323, 13.3846, 3320, 'deutsche telekom ag', 'deutsche telekom ag', 'telekom.de'],
  ['Paris', 'Île-de-France', 'France', '75001', 48.8628, 2.3292, 3215, 'orange s.a.', 'orange', 'orange.fr'],
  ['Amsterdam', 'North Holland', 'Netherlands', '1012', 52.3759, 4.8975, 1136, 'kpn b.v.', 'kpn', 'kpn.com'],
  ['Bengaluru', 'Karnataka', 'India', '560001', 12.9753, 77.591, 24560, 'bharti airtel ltd.', 'bharti airtel', 'airtel.in'],
  ['São Paulo', 'Sao Paulo', 'Brazil', '01310', -23.5614, -46.6559, 28573, 'claro nxt telecomunicacoes ltda', 'claro s.a.', 'claro.com.br'],
  ['Tokyo', 'Tokyo', 'Japan', '100-0001', 35.6893, 139.6899, 2516, 'kddi corporation', 'kddi corporation', 'kddi.com'],
  ['Toronto', 'Ontario', 'Canada', 'M5H', 43.6547, -79.3623, 812, 'rogers communications canada inc.', 'rogers cable', 'rogers.com'],
  ['Sydney', 'New South Wales', 'Australia', '2000', -33.8715, 151.2006, 1221, 'telstra corporation ltd', 'telstra internet', 'telstra.com.au'],
  ['Lagos', 'Lagos', 'Nigeria', '100001', 6.4531, 3.3958, 29465, 'mtn nigeria', 'mtn nigeria communication limited', 'mtnnigeria.net'],
  ['Ashburn', 'Virginia', 'United States', '20149', 39.0481, -77.4728, 14618, 'amazon.com  inc.', 'amazon.com', 'amazonaws.com'],
].map(([city, state, country, postalCode, lat, lon, asNumber, asOrg, isp, domain]) => ({
  city, state, country, postalCode, lat, lon, asNumber, asOrg, isp, domain,
}));

const USER_AGENTS = weightedTable([
  [34, { raw: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', os: 'Mac OS X', browser: 'CHROME', device: 'Computer' }],
  [22, { raw: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36 Edg/123.0.2420.81', os: 'Windows 10', browser: 'EDGE', device: 'Computer' }],
  [10, { raw: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0', os: 'Windows 10', browser: 'FIREFOX', device: 'Computer' }],
  [10, { raw: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1', os: 'iOS', browser: 'SAFARI', device: 'Mobile' }],
  [7, { raw: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15', os: 'Mac OS X', browser: 'SAFARI', device: 'Computer' }],
  [6, { raw: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36', os: 'Android', browser: 'CHROME', device: 'Mobile' }],
  [4, { raw: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', os: 'Linux', browser: 'CHROME', device: 'Computer' }],
  [4, { raw: 'OktaVerify/9.14.0 (Macintosh; Mac OS X 14.4.1) DeviceSDK/1.9.0', os: 'Mac OS X', browser: 'UNKNOWN', device: 'Computer' }],
  [3, { raw: 'python-requests/2.31.0', os: 'Unknown', browser: 'UNKNOWN', device: 'Unknown' }],
]);

// The five event types the connector asks for with its AUTH filter.
const SIGN_IN_EVENT_TYPES = [
  'user.session.start',
  'user.authentication.auth_via_mfa',
  'user.authentication.sso',
  'user.session.access_admin_app',
  'user.authentication.auth_unauth_app',
];

const PASSWORD_FAILURES = ['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'VERIFICATION_ERROR', 'LOCKED_OUT', 'PASSWORD_EXPIRED'];
const MFA_FAILURES = ['INVALID_CREDENTIALS', 'VERIFICATION_ERROR', 'FastPass declined phishing attempt', 'User rejected Okta push verify'];

// Per event type: weight, message, outcome distribution, legacy type, auth context flavour, target kind.
const EVENT_TYPES = weightedTable([
  [40, {
    eventType: 'user.session.start', displayMessage: 'User login to Okta',
    outcomes: weightedTable([[84, ['SUCCESS', null]], [14, ['FAILURE', PASSWORD_FAILURES]], [2, ['CHALLENGE', null]]]),
    legacy: { SUCCESS: 'core.user_auth.login_success', FAILURE: 'core.user_auth.login_failed' },
    auth: 'password', target: 'none',
  }],
  [18, {
    eventType: 'user.authentication.auth_via_mfa', displayMessage: 'Authentication of user via MFA',
    outcomes: weightedTable([[86, ['SUCCESS', null]], [12, ['FAILURE', MFA_FAILURES]], [2, ['CHALLENGE', null]]]),
    legacy: { SUCCESS: 'core.user.factor.attempt_success', FAILURE: 'core.user.factor.attempt_fail' },
    auth: 'mfa', target: 'authenticator',
  }],
  [20, {
    eventType: 'user.authentication.sso', displayMessage: 'User single sign on to app',
    outcomes: weightedTable([[94, ['SUCCESS', null]], [6, ['FAILURE', ['Sign-on policy evaluation resulted in DENY', 'INVALID_CREDENTIALS']]]]),
    legacy: { SUCCESS: 'app.auth.sso', FAILURE: 'app.auth.sso' },
    auth: 'sso', target: 'app',
  }],
  [4, {
    eventType: 'user.session.access_admin_app', displayMessage: 'User accessing Okta admin app',
    outcomes: weightedTable([[97, ['SUCCESS', null]], [3, ['FAILURE', ['INSUFFICIENT_PERMISSIONS']]]]),
    legacy: { SUCCESS: 'app.admin.sso.login.success', FAILURE: 'app.admin.sso.login.failure' },
    auth: 'session', target: 'adminApp',
  }],
  [3, {
    eventType: 'user.authentication.auth_unauth_app', displayMessage: 'User attempted unauthorized access to app',
    outcomes: weightedTable([[60, ['FAILURE', ['User is not assigned to the client application.']]], [40, ['DENY', ['User is not assigned to the app']]]]),
    legacy: { FAILURE: 'app.generic.unauth_app_access_attempt', DENY: 'app.generic.unauth_app_access_attempt' },
    auth: 'session', target: 'app',
  }],
  [6, {
    eventType: 'policy.evaluate_sign_on', displayMessage: 'Evaluation of sign-on policy',
    outcomes: weightedTable([[70, ['ALLOW', ['Sign-on policy evaluation resulted in ALLOW']]], [20, ['CHALLENGE', ['Sign-on policy evaluation resulted in CHALLENGE']]], [10, ['DENY', ['Sign-on policy evaluation resulted in DENY']]]]),
    legacy: {}, auth: 'none', target: 'policy',
  }],
  [2, {
    eventType: 'user.session.end', displayMessage: 'User logout from Okta',
    outcomes: weightedTable([[1, ['SUCCESS', null]]]), legacy: { SUCCESS: 'core.user_auth.logout_success' },
    auth: 'session', target: 'none',
  }],
  [2, {
    eventType: 'group.user_membership.add', displayMessage: 'Add user to group membership',
    outcomes: weightedTable([[1, ['SUCCESS', null]]]), legacy: { SUCCESS: 'core.user_group_member.user_add' },
    auth: 'none', target: 'userAndGroup',
  }],
  [1, {
    eventType: 'user.lifecycle.create', displayMessage: 'Create Okta user',
    outcomes: weightedTable([[1, ['SUCCESS', null]]]), legacy: { SUCCESS: 'core.user.config.user_creation.success' },
    auth: 'none', target: 'user',
  }],
  [2, {
    eventType: 'app.oauth2.as.token.grant.access_token', displayMessage: 'OAuth2 access token is granted',
    outcomes: weightedTable([[1, ['SUCCESS', null]]]), legacy: {}, auth: 'oauth', target: 'token',
  }],
  [1, {
    eventType: 'user.account.update_password', displayMessage: 'User update password for Okta',
    outcomes: weightedTable([[9, ['SUCCESS', null]], [1, ['FAILURE', ['Password requirements were not met']]]]),
    legacy: { SUCCESS: 'core.user.config.password_update.success', FAILURE: 'core.user.config.password_update.failure' },
    auth: 'password', target: 'user',
  }],
  [1, {
    eventType: 'user.account.lock', displayMessage: 'Max sign in attempts exceeded',
    outcomes: weightedTable([[1, ['SUCCESS', null]]]), legacy: { SUCCESS: 'core.user_auth.account_locked' },
    auth: 'password', target: 'none',
  }],
]);

// The System Log families beyond sign-ins (the org's `logFamilies` option): some of
// the generated non-sign-in events become one of these, so sign-in streams and
// their counts stay as they are. `lifecycle: true` entries take their type from the
// target user's status (LIFECYCLE_BY_STATUS): a lifecycle event matches the state.
const ok = weightedTable([[1, ['SUCCESS', null]]]);
const FAMILY_EVENT_TYPES = weightedTable([
  [6, { eventType: 'user.account.privilege.grant', displayMessage: 'Grant user privilege', outcomes: ok, legacy: {}, auth: 'none', target: 'adminGrant' }],
  [2, { eventType: 'user.account.privilege.revoke', displayMessage: 'Revoke user privilege', outcomes: ok, legacy: {}, auth: 'none', target: 'adminGrant' }],
  [2, { eventType: 'group.privilege.grant', displayMessage: 'Grant group privilege', outcomes: ok, legacy: {}, auth: 'none', target: 'group' }],
  [3, { eventType: 'policy.lifecycle.update', displayMessage: 'Update policy', outcomes: ok, legacy: {}, auth: 'none', target: 'policy' }],
  [3, { eventType: 'policy.rule.update', displayMessage: 'Update policy rule', outcomes: ok, legacy: {}, auth: 'none', target: 'policy' }],
  [2, { eventType: 'application.lifecycle.update', displayMessage: 'Update application', outcomes: ok, legacy: {}, auth: 'none', target: 'appOnly' }],
  [1, { eventType: 'system.api_token.create', displayMessage: 'Create API token', outcomes: ok, legacy: {}, auth: 'none', target: 'apiToken' }],
  [16, { eventType: 'user.lifecycle.activate', displayMessage: 'Activate Okta user', outcomes: ok, legacy: {}, auth: 'none', target: 'user', lifecycle: true }],
  [4, { eventType: 'group.user_membership.remove', displayMessage: 'Remove user from group membership', outcomes: ok, legacy: {}, auth: 'none', target: 'userAndGroup' }],
  [3, { eventType: 'user.account.update_profile', displayMessage: 'Update user profile for Okta', outcomes: ok, legacy: {}, auth: 'none', target: 'user' }],
  [8, {
    eventType: 'security.threat.detected', displayMessage: 'Request from suspicious actor',
    outcomes: weightedTable([[7, ['DENY', ['Request blocked by ThreatInsight']]], [3, ['ALLOW', ['ThreatInsight log-only mode']]]]),
    legacy: {}, auth: 'none', target: 'threat', severity: 'WARN',
  }],
  [4, { eventType: 'security.request.blocked', displayMessage: 'Request blocked by a network zone', outcomes: weightedTable([[1, ['DENY', ['Blocked IP']]]]), legacy: {}, auth: 'none', target: 'threat', severity: 'WARN' }],
  [2, { eventType: 'user.session.impersonation.initiate', displayMessage: 'Initiate impersonation session', outcomes: ok, legacy: {}, auth: 'none', target: 'user' }],
  [2, { eventType: 'user.session.clear', displayMessage: 'Clear user session', outcomes: ok, legacy: {}, auth: 'none', target: 'user' }],
  [1, { eventType: 'user.account.report_suspicious_activity_by_enduser', displayMessage: 'User report suspicious activity', outcomes: ok, legacy: {}, auth: 'none', target: 'user', severity: 'WARN' }],
  [6, { eventType: 'application.user_membership.add', displayMessage: 'Add user to application membership', outcomes: ok, legacy: {}, auth: 'none', target: 'userAndApp' }],
  [2, { eventType: 'application.user_membership.remove', displayMessage: 'Remove user from application membership', outcomes: ok, legacy: {}, auth: 'none', target: 'userAndApp' }],
  [3, { eventType: 'system.mfa.factor.activate', displayMessage: 'Activate factor for the org', outcomes: ok, legacy: {}, auth: 'none', target: 'none' }],
  [1, { eventType: 'security.authenticator.lifecycle.update', displayMessage: 'Update authenticator', outcomes: ok, legacy: {}, auth: 'none', target: 'none' }],
]);

// The lifecycle event a user's (generated) status follows from, by status.
const LIFECYCLE_BY_STATUS = {
  ACTIVE: ['user.lifecycle.activate', 'user.lifecycle.unsuspend', 'user.lifecycle.reactivate', 'user.account.unlock'],
  STAGED: ['user.lifecycle.create'],
  PROVISIONED: ['user.lifecycle.create'],
  RECOVERY: ['user.account.reset_password'],
  PASSWORD_EXPIRED: ['user.account.reset_password'],
  LOCKED_OUT: ['user.account.lock'],
  SUSPENDED: ['user.lifecycle.suspend'],
  DEPROVISIONED: ['user.lifecycle.deactivate'],
};

// The status each status-setting event type leaves its target user in (tests check it).
const STATUS_AFTER_EVENT = {
  'user.lifecycle.activate': 'ACTIVE',
  'user.lifecycle.unsuspend': 'ACTIVE',
  'user.lifecycle.reactivate': 'ACTIVE',
  'user.account.unlock': 'ACTIVE',
  'user.account.lock': 'LOCKED_OUT',
  'user.lifecycle.suspend': 'SUSPENDED',
  'user.lifecycle.deactivate': 'DEPROVISIONED',
};

const LIFECYCLE_MESSAGES = {
  'user.lifecycle.activate': 'Activate Okta user',
  'user.lifecycle.unsuspend': 'Unsuspend Okta user',
  'user.lifecycle.reactivate': 'Reactivate Okta user',
  'user.account.unlock': 'User account unlock',
  'user.lifecycle.create': 'Create Okta user',
  'user.account.reset_password': 'Fired when the user\'s Okta password is reset',
  'user.account.lock': 'Max sign in attempts exceeded',
  'user.lifecycle.suspend': 'Suspend Okta user',
  'user.lifecycle.deactivate': 'Deactivate Okta user',
};

const ADMIN_ROLES = ['Super administrator', 'Organization administrator', 'Read-only administrator', 'Help desk administrator', 'Application administrator'];

const MFA_FACTORS = [
  { credentialProvider: 'OKTA_CREDENTIAL_PROVIDER', credentialType: 'OTP', factor: 'Okta Verify' },
  { credentialProvider: 'OKTA_CREDENTIAL_PROVIDER', credentialType: 'ASSERTION', factor: 'Okta FastPass' },
  { credentialProvider: 'OKTA_CREDENTIAL_PROVIDER', credentialType: 'SMS', factor: 'Phone' },
  { credentialProvider: 'OKTA_CREDENTIAL_PROVIDER', credentialType: 'EMAIL', factor: 'Email' },
  { credentialProvider: 'GOOGLE_OTP', credentialType: 'OTP', factor: 'Google Authenticator' },
  { credentialProvider: 'DUO', credentialType: 'OTP', factor: 'Duo Security' },
  { credentialProvider: 'OKTA_CREDENTIAL_PROVIDER', credentialType: 'WEBAUTHN', factor: 'Security Key or Biometric' },
];

module.exports = {
  FIRST_NAMES, LAST_NAMES, USER_STATUSES, CREDENTIAL_PROVIDERS, DEPARTMENTS, GROUP_KINDS, GROUP_TYPES,
  APPS, LOCATIONS, USER_AGENTS, SIGN_IN_EVENT_TYPES, EVENT_TYPES, MFA_FACTORS,
  FAMILY_EVENT_TYPES, LIFECYCLE_BY_STATUS, STATUS_AFTER_EVENT, LIFECYCLE_MESSAGES, ADMIN_ROLES,
  MORE_APPS, FACTOR_TYPES, FACTOR_STATUSES, FACTOR_COUNTS, DEVICES, FACTOR_EVENTS,
};
