// zod/mini carries no message texts until a locale is configured (full zod configures English when
// it loads). Modules with zod/mini schemas import this, so a bad profile or vault file is
// described in words ("Too big: expected string to have <=200 characters"), not "Invalid input".
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());
