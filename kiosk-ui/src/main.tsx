import { render } from 'preact';
import { App } from './app.tsx';
import { readOptions } from './options.ts';
import './style.css';

render(<App options={readOptions(location.search)} />, document.getElementById('app')!);
