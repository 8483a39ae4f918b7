// A message's text as React text nodes, with http(s) URLs as links opening in a new tab. No HTML
// is ever parsed: markup in a message shows as the characters it is made of.
import { Fragment, useMemo } from 'react';
import Link from '@mui/material/Link';
import Typography from '@mui/material/Typography';
import { linkify } from './linkify';

export interface MessageTextProps {
  text: string;
}

export function MessageText({ text }: MessageTextProps) {
  const segments = useMemo(() => linkify(text), [text]);
  return (
    <Typography
      component="div"
      sx={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', wordBreak: 'break-word' }}
    >
      {segments.map((segment, index) =>
        segment.kind === 'link' ? (
          <Link key={index} href={segment.href} target="_blank" rel="noopener noreferrer">
            {segment.text}
          </Link>
        ) : (
          <Fragment key={index}>{segment.text}</Fragment>
        ),
      )}
    </Typography>
  );
}
