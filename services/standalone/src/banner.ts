// What a person starting the platform needs to read: where it is, where its data lives and, while
// nobody is an admin, how to become one (admins may force archive cleanup).

export interface BannerFacts {
  url: string;
  dataDir: string;
  firstStart: boolean;
  hasAdmin: boolean;
}

export function startBanner({ url, dataDir, firstStart, hasAdmin }: BannerFacts): string {
  const lines = [
    '',
    `  FalaBLAU is running at ${url}`,
    `  Data: ${dataDir}${firstStart ? ' (created now; delete the folder to start over)' : ''}`,
  ];
  if (!hasAdmin) {
    lines.push(
      '',
      '  Nobody is an admin yet. Either start with your username listed, then register it:',
      '      ADMIN_USERNAMES=<you> npm start',
      '  or, with the server stopped (Ctrl+C), create or promote the account:',
      '      npm run create-admin -w @falablau/standalone -- <you>',
    );
  }
  lines.push('', '  Stop with Ctrl+C (data is kept).', '');
  return `${lines.join('\n')}\n`;
}
