/* claimflow try-it page: GraphiQL with the token kept in this tab's sessionStorage only. */
(function () {
  'use strict';
  var STORAGE_KEY = 'claimflow.token';
  var input = document.getElementById('cf-token');
  var state = document.getElementById('cf-token-state');

  // `npm start` prints http://localhost:4000/#token=…; the fragment never reaches the server.
  var match = /(?:^|[#&])token=([^&]+)/.exec(window.location.hash);
  if (match) {
    sessionStorage.setItem(STORAGE_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', window.location.pathname);
  }
  input.value = sessionStorage.getItem(STORAGE_KEY) || '';
  function showState() {
    state.textContent = input.value ? 'token set' : 'no token: requests will be refused';
  }
  showState();
  input.addEventListener('input', function () {
    sessionStorage.setItem(STORAGE_KEY, input.value.trim());
    showState();
  });

  // Headers typed into GraphiQL's Headers tab are sent too; an Authorization there wins over the box.
  function fetcher(params, opts) {
    var headers = Object.assign({}, (opts && opts.headers) || {});
    var hasAuth = Object.keys(headers).some(function (k) {
      return k.toLowerCase() === 'authorization';
    });
    headers['content-type'] = 'application/json';
    headers.accept = 'application/json';
    var token = input.value.trim();
    if (token && !hasAuth) headers.authorization = 'Bearer ' + token;
    return fetch('/graphql', { method: 'POST', headers: headers, body: JSON.stringify(params) }).then(function (res) {
      return res.json();
    });
  }

  var defaultQuery = [
    '# Claims waiting for work. Run with the ▶ button (Ctrl-Enter).',
    'query RecentClaims {',
    '  claims(first: 5, filter: { status: [DRAFT, READY, DENIED] }) {',
    '    totalCount',
    '    edges {',
    '      node {',
    '        patientControlNumber',
    '        status',
    '        totalChargeCents',
    '        payer { name }',
    '        lines { lineNumber procedureCode modifiers units chargeCents }',
    '      }',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: false,
      shouldPersistHeaders: false,
    }),
  );
})();
